/**
 * `vod-upload <file|dir>...`: walks the paths, uploads through a queue (files at once, parts in
 * flight across files), reports progress and retries, prints a summary and picks the exit status.
 *
 * The first file is a probe: the others start once an InitUpload was answered, so a wrong or
 * unreachable endpoint stops the run after one file, before the rest are hashed.
 *
 * Ctrl-C aborts every upload; checkpoints stay, so the same command resumes without hashing
 * again. A second Ctrl-C exits at once.
 */
import { createDirectoryCheckpointStore, createUploadQueue, openFile } from '../adapters/node/index.js';
import type { UploadHandle, UploadSource } from '../core/index.js';
import { closestFlag, usageError } from './flags.js';
import { UsageError } from './usage-error.js';
import { failsEveryFile, isUnreachable, isWrongEndpoint } from './explain.js';
import { formatBytes } from './format.js';
import { failureOutcome, skippedOutcome, type FileOutcome } from './outcome.js';
import { pickReporter } from './pick-reporter.js';
import { retryNotice } from './retry-notice.js';
import { openTarget } from './target.js';
import { parseUploadArgs, UPLOAD_USAGE, type UploadEnv } from './upload-args.js';
import { CLI_VERSION } from './version.js';
import { collectFiles, isVideoName, type FoundFile } from './walk.js';

/**
 * Part bytes `--concurrency auto` may hold in flight per file: 16 parts of 1 MiB. Each part in
 * flight is a buffer, and malloc keeps the memory of a burst after it (a climb to 32 parts left
 * the CLI at 125 MiB RSS); on every link measured (bench/link.mjs) 16 and 32 parts were no faster than 8.
 */
export const CLI_MAX_IN_FLIGHT_BYTES = 16 * 1048576;

/** Exit statuses. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export interface UploadIo {
  out(line: string): void;
  err(line: string): void;
  env: UploadEnv & Record<string, string | undefined>;
  /** stderr when it is a terminal (progress bars), else undefined (plain lines). */
  tty: NodeJS.WriteStream | undefined;
  /** Width of the terminal in cells, when known (lines and the summary fit in it; default 80). */
  columns?: number | undefined;
  /** Calls `listener` on each SIGINT/SIGTERM; returns the function that stops listening. */
  onSignal(listener: (signal: string) => void): () => void;
  /** Ends the process now (second Ctrl-C). */
  exit(code: number): void;
}

/** The other commands, for "did you mean". */
const COMMANDS = ['emulator', 'pending', 'help'];

/** Connection-level failures tolerated before the service ever answered: fail fast, the host is wrong. */
const UNREACHABLE_ATTEMPTS = 2;

/** Opens when any InitUpload is answered; fails when the first file shows the endpoint fails every file. */
function createProbeGate() {
  let settle: (failedBy: string | undefined) => void = () => {};
  const settled = new Promise<string | undefined>((resolve) => (settle = resolve));
  let answered = false;
  return {
    get answered() {
      return answered;
    },
    open() {
      answered = true;
      settle(undefined);
    },
    fail(by: string) {
      settle(by);
    },
    /** Resolves with the probe file that failed, or undefined when the rest may start. */
    wait: () => settled,
  };
}

/** Runs the upload command; resolves with the exit status. Usage mistakes throw UsageError (exit 2). */
export async function runUploadCommand(argv: readonly string[], io: UploadIo): Promise<number> {
  const args = parseUploadArgs(argv, io.env);
  if (args.help) {
    io.out(UPLOAD_USAGE);
    return EXIT.ok;
  }
  if (args.version) {
    io.out(CLI_VERSION);
    return EXIT.ok;
  }
  const width = io.columns ?? 80;
  const skip = (path: string, reason: string): void => io.err(`vod-upload: skipping ${path} (${reason})`);
  const files = await collectFiles(args.paths, { all: args.all, onSkip: skip }).catch((error: unknown) => {
    if (!(error instanceof UsageError) || error.exitCode !== EXIT.usage) throw error;
    // `vod-upload emulatr`: a mistyped command reads as a missing file.
    const command = args.paths.length === 1 && /^[a-z-]+$/.test(args.paths[0]!) ? closestFlag(args.paths[0]!, COMMANDS) : undefined;
    throw usageError('vod-upload', `${error.message}${command ? ` (did you mean vod-upload ${command.slice(2)}?)` : ''}`);
  });
  if (files.length === 0) {
    const hint = args.all ? '' : ' (directories are searched for video files; --all takes every file)';
    io.err(`vod-upload: nothing to upload in ${args.paths.join(', ')}${hint}`);
    return EXIT.usage;
  }
  if (!args.all && args.fileType === undefined) {
    for (const file of files.filter((found) => !isVideoName(found.name))) {
      io.err(
        `vod-upload: warning: ${file.display} does not look like a video; it is uploaded as it is named (--all or --type EXT says that is meant)`,
      );
    }
  }
  const target = await openTarget(args, io.env);
  const talk = !args.quiet;
  try {
    const total = files.reduce((sum, file) => sum + file.size, 0);
    if (talk) {
      for (const note of target.notes) io.err(note);
      io.err(`uploading ${files.length} file${files.length === 1 ? '' : 's'} (${formatBytes(total)}) to ${target.endpoint}`);
    }
    const reporter = pickReporter(io, args, files, width);

    const controller = new AbortController();
    let stopping = false;
    const stopListening = io.onSignal(() => {
      if (stopping) {
        reporter.halt();
        io.err('vod-upload: stopped at once');
        io.exit(EXIT.interrupted);
        return;
      }
      stopping = true;
      reporter.note('stopping… (Ctrl-C again quits at once)');
      controller.abort();
    });

    const gate = createProbeGate();
    const started = new Map<UploadSource, number>();
    const fileOf = new Map<UploadSource, FoundFile>();
    const kept = new Set<FoundFile>();
    // The Node entry's queue: its client (streamed part bodies), its hasher (node:crypto on worker
    // threads) and files read by position; checkpoints in --checkpoint-dir or the user cache directory.
    const queue = createUploadQueue({
      endpoint: target.endpoint,
      secretId: target.secretId,
      secretKey: target.secretKey,
      timeoutMs: args.timeoutMs,
      stallTimeoutMs: args.stallTimeoutMs,
      ...(target.region !== undefined ? { region: target.region } : {}),
      partSize: args.partSize,
      concurrency: args.concurrency,
      maxInFlightBytes: CLI_MAX_IN_FLIGHT_BYTES,
      files: args.files,
      retry: { retries: args.retries },
      ...args.extras,
      ...(args.fileType !== undefined ? { fileType: args.fileType } : {}),
      checkpoints: createDirectoryCheckpointStore(args.checkpointDir),
      // Any request after InitUpload (a part, or Finish) means InitUpload was answered: the endpoint works.
      beforeRequest: (request) => {
        if (request.action !== 'InitUpload') gate.open();
      },
      signal: controller.signal,
      onStart(handle: UploadHandle, source: UploadSource) {
        started.set(source, Date.now());
        const file = fileOf.get(source);
        if (!file) return;
        reporter.fileStarted(file, handle);
        // Hashing is over (the checkpoint is written) once the upload phase begins.
        const unsubscribe = handle.on('progress', (state) => {
          if (state.phase === 'hashing') return;
          kept.add(file);
          unsubscribe();
        });
        let unreachable = 0;
        handle.on('retry', (event) => {
          // Before the service ever answered, a wrong endpoint or an unreachable host is not worth waiting for.
          if (!gate.answered && (isWrongEndpoint(event.error) || (isUnreachable(event.error) && ++unreachable >= UNREACHABLE_ATTEMPTS))) {
            handle.abort(event.error);
            return;
          }
          reporter.retry(file, retryNotice(event, args.retries + 1, target.endpoint, Date.now()));
        });
        handle.on('warning', (warning) => {
          if (warning.kind === 'write-failed') kept.delete(file);
          reporter.note(`! ${file.display}: ${warning.message}`);
        });
      },
    });

    const uploadOne = async (file: FoundFile): Promise<FileOutcome> => {
      let blob: UploadSource | undefined;
      try {
        blob = await openFile(file.absolute);
        fileOf.set(blob, file);
        const result = await queue.add(blob);
        return { file, status: 'done', result, ms: Date.now() - (started.get(blob) ?? runStart) };
      } catch (error) {
        const begun = blob === undefined ? undefined : started.get(blob);
        return failureOutcome(file, error, begun === undefined ? 0 : Date.now() - begun, {
          stopping,
          kept: kept.has(file),
          waiting: begun === undefined,
          endpoint: target.endpoint,
        });
      }
    };
    const finish = (outcome: FileOutcome): FileOutcome => {
      reporter.fileFinished(outcome);
      return outcome;
    };

    const runStart = Date.now();
    const [probe, ...rest] = files;
    const probeDone = uploadOne(probe!).then((outcome) => {
      if (outcome.status === 'failed' && !gate.answered && failsEveryFile(outcome.error?.code)) gate.fail(probe!.display);
      else gate.open();
      return finish(outcome);
    });
    controller.signal.addEventListener('abort', () => gate.open(), { once: true });
    const others = rest.map(async (file) => {
      const failedBy = await gate.wait();
      return finish(failedBy === undefined ? await uploadOne(file) : skippedOutcome(file, failedBy));
    });
    const outcomes = await Promise.all([probeDone, ...others]);
    stopListening();
    reporter.end(outcomes, Date.now() - runStart);
    if (outcomes.some((outcome) => outcome.status === 'interrupted')) return EXIT.interrupted;
    return outcomes.every((outcome) => outcome.status === 'done') ? EXIT.ok : EXIT.failed;
  } finally {
    await target.close();
  }
}
