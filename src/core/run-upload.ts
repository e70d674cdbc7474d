/**
 * The steps of one upload: hash (or reuse a checkpoint) → InitUpload → parts → FinishUpload.
 * The handle (upload.ts) owns pause/resume/abort; this module owns the protocol's decisions.
 */
import type { VodClient } from '../client/client.js';
import { ErrorCode, VodError } from '../protocol/errors.js';
import type { InitUploadParams, ListedPart, PartSize } from '../protocol/schemas.js';
import type { Hasher, HashResult } from '../hasher/types.js';
import type { CheckpointStore } from './checkpoint.js';
import { forgetCheckpoint, obtainHash, rehashParts } from './run-hashes.js';
import type { BeforeRequestHook } from '../client/request-hook.js';
import type { RunProgress } from './progress-types.js';
import { createRetryState, withRetry, type RetryEvent, type RetryPolicy, type ShouldRetry } from '../util/retry.js';
import type { ConcurrencyDecision } from './concurrency-types.js';
import type { ConcurrencySetting } from '../util/concurrency.js';
import { sendParts, type PartDone, type TaskLimiter } from './send-parts.js';
import { planParts, type PartSpan, type ResolvedSource } from './source.js';

/** Optional InitUpload parameters passed through as given (checked before any hashing). */
export interface InitExtras {
  /** The VOD category to file the video under: an integer ≥ 0. */
  classId?: InitUploadParams['classId'];
  /** `1` to transcode the video after the upload. */
  isTranscode?: InitUploadParams['isTranscode'];
  /** `1` to take screenshots after the upload. */
  isScreenshot?: InitUploadParams['isScreenshot'];
  /** `1` to watermark the video after the upload. */
  isWatermark?: InitUploadParams['isWatermark'];
  /** Up to 10 tags of at most 64 characters each. */
  tags?: InitUploadParams['tags'];
}

/** How the file got to the service. */
export type UploadKind = 'new' | 'resumed' | 'instant';

/** The outcome of a successful upload. */
export interface UploadResult {
  /** The file's id at VOD. */
  fileId: string;
  /** Where the file is served. */
  url: string;
  /** True when the service already had the file (code 2): no byte was sent. */
  instant: boolean;
  /** How the file got there: sent whole (`new`), completed after a resume (`resumed`), or `instant`. */
  kind: UploadKind;
  /** The file's SHA-1 (hex), as the service verified it. */
  sha1: string;
  /** The file's size in bytes. */
  size: number;
  /** The part size used (the session's, on a resume). */
  partSize: number;
  /** Parts this upload sent (0 for an instant upload). */
  partsSent: number;
  /** Parts the service already held (resume). */
  partsSkipped: number;
  /** Bytes read by the hasher (0 when a checkpoint was reused; checking it reads up to 3 parts, not counted). */
  hashedBytes: number;
  /** Hash engine used, or `checkpoint`. */
  hashEngine: string;
}

/** Something that went wrong without failing the upload (a checkpoint store that failed, a restart). */
export interface UploadWarning {
  /** What happened, e.g. `restarted`, `checkpoint-read`, `checkpoint-write`. */
  kind: string;
  /** A sentence for logs. */
  message: string;
  /** The error behind it, when there was one. */
  error?: unknown;
}

export interface RunInput {
  source: ResolvedSource;
  client: VodClient;
  hasher: Hasher;
  partSize: PartSize;
  concurrency: ConcurrencySetting;
  /** `'auto'` holds at most this many part bytes in flight. */
  maxInFlightBytes: number;
  /** Resolved once by the upload (see resolveRetryPolicy). */
  retry: RetryPolicy;
  extras: InitExtras;
  checkpoints: CheckpointStore | undefined;
  checkpointKey: string | undefined;
  checkpointMaxAgeMs: number | undefined;
  limiter: TaskLimiter | undefined;
  progress: RunProgress;
  onRetry: (what: string, event: RetryEvent) => void;
  onWarning: (warning: UploadWarning) => void;
  /** The caller's hooks (upload options `shouldRetry`, `beforeRequest`) and the `part` event. */
  hooks?:
    | {
        shouldRetry?: ShouldRetry | undefined;
        beforeRequest?: BeforeRequestHook | undefined;
        onPart?: ((part: PartDone) => void) | undefined;
        onConcurrency?: ((decision: ConcurrencyDecision) => void) | undefined;
      }
    | undefined;
  /** Kept across pause/resume so a resumed run does not hash again. */
  memo: { hash?: HashResult | undefined; hashedBytes: number; engine?: string | undefined };
}

/**
 * The file no longer matches the hashes we hold: Finish found another SHA-1, or (with hashes
 * from a checkpoint) a part's bytes kept failing their MD5. The file changed under the same
 * identity (name, size, mtime).
 */
function fileChanged(error: unknown, memo: RunInput['memo']): boolean {
  if (!(error instanceof VodError) || error.code !== ErrorCode.BodyInvalid) return false;
  return error.action === 'FinishUpload' || (error.action === 'UploadPart' && memo.engine === 'checkpoint');
}

/** Runs the upload to its end under `signal`. Restarts once, re-hashing, if the file changed. */
export async function runUpload(input: RunInput, signal: AbortSignal): Promise<UploadResult> {
  try {
    return await attemptOverSessionLoss(input, signal);
  } catch (error) {
    if (signal.aborted || !fileChanged(error, input.memo)) throw error;
    input.onWarning({
      kind: 'restarted',
      message: `${(error as VodError).message}: the file changed, hashing it again and starting over`,
      error,
    });
    await forgetCheckpoint(input);
    input.memo.hash = undefined;
    input.progress.restart();
    return attemptOverSessionLoss(input, signal);
  } finally {
    // The run is over (done, failed, paused or aborted): the source may close what it holds open.
    const { blob } = input.source;
    if ('close' in blob && typeof blob.close === 'function') await blob.close().catch(() => undefined);
  }
}

/**
 * The session went away under us (-10005 on a part or on Finish): another upload of the same
 * bytes finished it. InitUpload again: code 2 then ends this one as instant, anything else
 * starts or resumes a session. At most twice, so a service that keeps losing sessions fails.
 */
const SESSION_RETRIES = 2;

function sessionGone(error: unknown): boolean {
  return (
    error instanceof VodError && error.code === ErrorCode.CacheRead && (error.action === 'UploadPart' || error.action === 'FinishUpload')
  );
}

async function attemptOverSessionLoss(input: RunInput, signal: AbortSignal): Promise<UploadResult> {
  for (let round = 0; ; round++) {
    try {
      return await attempt(input, signal);
    } catch (error) {
      if (signal.aborted || round >= SESSION_RETRIES || !sessionGone(error)) throw error;
      input.onWarning({
        kind: 'session-gone',
        message: `${(error as VodError).message}: the session ended (another upload of the same bytes?), asking InitUpload again`,
        error,
      });
    }
  }
}

async function attempt(input: RunInput, signal: AbortSignal): Promise<UploadResult> {
  const { client, source, progress } = input;
  const retry = (what: string) => ({
    state: createRetryState(input.retry),
    signal,
    onRetry: (event: RetryEvent) => input.onRetry(what, event),
    shouldRetry: input.hooks?.shouldRetry,
  });
  const requestOptions = { signal, beforeRequest: input.hooks?.beforeRequest };
  let hash = await obtainHash(input, input.partSize, signal);

  progress.phase('uploading');
  const init = await withRetry(
    () =>
      client.initUpload(
        {
          fileName: source.fileName,
          fileType: source.fileType,
          fileSha: hash.sha1,
          fileSize: source.size,
          dataSize: hash.partSize as PartSize,
          ...input.extras,
        },
        requestOptions,
      ),
    retry('InitUpload'),
  );
  if (init.kind === 'instant') {
    await forgetCheckpoint(input);
    return result(input, hash, { fileId: init.fileId, url: init.url }, 'instant', 0, 0);
  }

  let listed: ListedPart[] = [];
  if (init.kind === 'resume') {
    // The session's part size wins over the one asked for.
    if (init.dataSize !== hash.partSize) hash = await rehashParts(input, hash, init.dataSize, signal);
    listed = init.listParts;
  }
  const parts = planParts(source.size, hash.partSize);
  const toSend = partsMissing(parts, hash.partMd5s, listed);
  const skippedBytes = parts.reduce((sum, part) => sum + part.size, 0) - toSend.reduce((sum, part) => sum + part.size, 0);
  progress.held(skippedBytes);

  const partsSent = await sendParts({
    client,
    blob: source.blob,
    fileSha: hash.sha1,
    partSize: hash.partSize as PartSize,
    parts: toSend,
    partMd5s: hash.partMd5s,
    concurrency: input.concurrency,
    maxInFlightBytes: input.maxInFlightBytes,
    retryState: () => createRetryState(input.retry),
    limiter: input.limiter,
    signal,
    shouldRetry: input.hooks?.shouldRetry,
    beforeRequest: input.hooks?.beforeRequest,
    events: {
      sent: progress.sent,
      acked: progress.acked,
      rolledBack: progress.rolledBack,
      retry: (part, event) => input.onRetry(`UploadPart at offset ${part.offset}`, event),
      part: input.hooks?.onPart,
      concurrency: (figure, decision) => {
        progress.concurrency(figure);
        if (decision) input.hooks?.onConcurrency?.(decision);
      },
    },
  });

  progress.phase('finishing');
  const finished = await withRetry(() => client.finishUpload({ fileSha: hash.sha1 }, requestOptions), retry('FinishUpload'));
  await forgetCheckpoint(input);
  const kind = init.kind === 'resume' ? 'resumed' : 'new';
  return result(input, hash, finished, kind, partsSent, parts.length - toSend.length);
}

/** Parts the service does not hold with the right size and MD5 (a listed part with another MD5 is sent again). */
function partsMissing(parts: readonly PartSpan[], md5s: readonly string[], listed: readonly ListedPart[]): PartSpan[] {
  const held = new Map(listed.map((part) => [part.offset, part]));
  return parts.filter((part) => {
    const have = held.get(part.offset);
    return !(have && have.dataSize === part.size && have.dataMd5 === md5s[part.index]);
  });
}

function result(
  input: RunInput,
  hash: HashResult,
  done: { fileId: string; url: string },
  kind: UploadKind,
  partsSent: number,
  partsSkipped: number,
): UploadResult {
  return {
    fileId: done.fileId,
    url: done.url,
    instant: kind === 'instant',
    kind,
    sha1: hash.sha1,
    size: input.source.size,
    partSize: hash.partSize,
    partsSent,
    partsSkipped,
    hashedBytes: input.memo.hashedBytes,
    hashEngine: input.memo.engine ?? hash.engine,
  };
}
