/**
 * `vod-upload <file|dir>...`: walks the paths, uploads through a queue (files at once, parts in
 * flight across files), reports progress, prints a summary and picks the exit status.
 *
 * Ctrl-C aborts every upload; checkpoints stay, so the same command resumes without hashing
 * again. A second Ctrl-C exits at once.
 */
import { createUploadQueue, type UploadHandle, type UploadSource } from '../core/index.js';
import { createVodClient } from '../client/index.js';
import { createSecretSigner } from '../protocol/index.js';
import { UsageError } from './emulator-command.js';
import { formatBytes } from './format.js';
import { failureOutcome, type FileOutcome } from './outcome.js';
import { createJsonReporter, createQuietReporter, type Reporter, type Sink } from './reporter.js';
import { createPlainReporter } from './reporter-plain.js';
import { createTtyReporter, restoreCursor } from './reporter-tty.js';
import { createCheckpointStore, createCliHasher, openFile } from './services.js';
import { openTarget } from './target.js';
import { parseUploadArgs, UPLOAD_USAGE, type UploadEnv } from './upload-args.js';
import { collectFiles, type FoundFile } from './walk.js';

/** Exit statuses. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export interface UploadIo extends Sink {
  env: UploadEnv & Record<string, string | undefined>;
  /** stderr when it is a terminal (progress bars), else undefined (plain lines). */
  tty: NodeJS.WriteStream | undefined;
  /** Calls `listener` on each SIGINT/SIGTERM; returns the function that stops listening. */
  onSignal(listener: (signal: string) => void): () => void;
  /** Ends the process now (second Ctrl-C). */
  exit(code: number): void;
}

function pickReporter(io: UploadIo, json: boolean, quiet: boolean, files: readonly FoundFile[]): Reporter {
  if (json) return createJsonReporter(io, quiet);
  if (quiet) return createQuietReporter(io);
  if (io.tty) return createTtyReporter(io, { stream: io.tty, files });
  return createPlainReporter(io);
}

/** Runs the upload command; resolves with the exit status. Usage mistakes throw UsageError (exit 2). */
export async function runUploadCommand(argv: readonly string[], io: UploadIo): Promise<number> {
  const args = parseUploadArgs(argv, io.env);
  if (args.help) {
    io.out(UPLOAD_USAGE);
    return EXIT.ok;
  }
  const skip = (path: string, reason: string): void => io.err(`vod-upload: skipping ${path} (${reason})`);
  const files = await collectFiles(args.paths, { all: args.all, onSkip: skip }).catch((error: unknown) => {
    // A mistyped path or command: show how the command is used.
    throw error instanceof UsageError ? new UsageError(`${error.message}\n\n${UPLOAD_USAGE}`, error.exitCode) : error;
  });
  if (files.length === 0) {
    const hint = args.all ? '' : ' (directories are searched for video files; --all takes every file)';
    io.err(`vod-upload: nothing to upload in ${args.paths.join(', ')}${hint}`);
    return EXIT.usage;
  }
  const target = await openTarget(args);
  const talk = !args.quiet;
  try {
    const total = files.reduce((sum, file) => sum + file.size, 0);
    if (talk) {
      for (const note of target.notes) io.err(note);
      io.err(`uploading ${files.length} file${files.length === 1 ? '' : 's'} (${formatBytes(total)}) to ${target.endpoint}`);
    }
    const reporter = pickReporter(io, args.json, args.quiet, files);

    const controller = new AbortController();
    let stopping = false;
    const stopListening = io.onSignal(() => {
      if (stopping) {
        if (io.tty) restoreCursor(io.tty);
        io.err('vod-upload: stopped at once');
        io.exit(EXIT.interrupted);
        return;
      }
      stopping = true;
      reporter.note('stopping… checkpoints are kept: run the same command again to resume (Ctrl-C again quits at once)');
      controller.abort();
    });

    const client = createVodClient({
      endpoint: target.endpoint,
      signer: createSecretSigner({ secretId: target.secretId, secretKey: target.secretKey }),
      ...(target.region !== undefined ? { region: target.region } : {}),
    });
    const hasher = createCliHasher();
    const started = new Map<UploadSource, number>();
    const fileOf = new Map<UploadSource, FoundFile>();
    const queue = createUploadQueue({
      client,
      hasher,
      partSize: args.partSize,
      concurrency: args.concurrency,
      files: args.files,
      checkpoints: createCheckpointStore(args.checkpointDir),
      secretId: target.secretId,
      signal: controller.signal,
      onStart(handle: UploadHandle, source: UploadSource) {
        started.set(source, Date.now());
        const file = fileOf.get(source);
        if (!file) return;
        reporter.fileStarted(file, handle);
        handle.on('warning', (warning) => reporter.note(`! ${file.display}: ${warning.message}`));
      },
    });

    const runStart = Date.now();
    const outcomes = await Promise.all(
      files.map(async (file): Promise<FileOutcome> => {
        let blob: UploadSource | undefined;
        try {
          blob = await openFile(file.absolute);
          fileOf.set(blob, file);
          const result = await queue.add(blob);
          const outcome: FileOutcome = { file, status: 'done', result, ms: Date.now() - (started.get(blob) ?? runStart) };
          reporter.fileFinished(outcome);
          return outcome;
        } catch (error) {
          const begun = blob === undefined ? undefined : started.get(blob);
          const outcome = failureOutcome(file, error, begun === undefined ? 0 : Date.now() - begun, stopping);
          reporter.fileFinished(outcome);
          return outcome;
        }
      }),
    );
    stopListening();
    hasher.close();
    reporter.end(outcomes, Date.now() - runStart);
    if (outcomes.some((outcome) => outcome.status === 'interrupted')) return EXIT.interrupted;
    return outcomes.some((outcome) => outcome.status === 'failed') ? EXIT.failed : EXIT.ok;
  } finally {
    await target.close();
  }
}
