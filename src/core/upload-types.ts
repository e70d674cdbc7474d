/** The public shapes of one upload: its options, states, events and handle (see upload.ts). */
import type { VodClient } from '../client/client.js';
import type { BeforeRequestHook } from '../client/request-hook.js';
import type { Hasher } from '../hasher/types.js';
import type { PartSize } from '../protocol/schemas.js';
import type { ConcurrencySetting } from '../util/concurrency.js';
import type { Listener } from '../util/emitter.js';
import type { RetryEvent, RetryOptions, ShouldRetry } from '../util/retry.js';
import type { ConcurrencyDecision } from './concurrency-types.js';
import type { CheckpointStore } from './checkpoint.js';
import type { UploadProgress } from './progress-types.js';
import type { UploadRestrictions } from './restrictions.js';
import type { InitExtras, UploadResult, UploadWarning } from './run-upload.js';
import type { PartDone, TaskLimiter } from './send-parts.js';
import type { NamingOptions } from './source.js';

/** Options of the engine's upload (`uploadWithClient`): a ready client and hasher, and how to upload. */
export interface UploadOptions extends NamingOptions, InitExtras {
  /** The service client (runtime entries build one from `endpoint` and `signer`). */
  client: VodClient;
  /** Computes the SHA-1 and part MD5s (runtime entries pick a Worker or native one). */
  hasher: Hasher;
  /** Part size: 1048576 (default) or 524288. A resumed session's own size wins. */
  partSize?: PartSize;
  /**
   * Parts in flight at once: a number fixes it; `'auto'` (the default) starts at 5 and follows the
   * link: it doubles while acknowledged throughput rises by 10 %, up to twice the parts that keep
   * the link busy (throughput × the shortest round's part time), then holds and probes; fewer on a
   * 4400 (rate limit), timeouts, resets, or parts that take longer without throughput rising. It
   * stays within 32, the queue's shared bound and `maxInFlightBytes`. The `concurrency` event tells
   * each change.
   */
  concurrency?: ConcurrencySetting;
  /** With `concurrency: 'auto'`: most part bytes held in flight at once. Default 32 MiB. */
  maxInFlightBytes?: number;
  /**
   * Resume across restarts without hashing again. `false` to disable. Used only for sources with
   * a name and a modification time (a File, a path), which identify them.
   */
  checkpoints?: CheckpointStore | false;
  /**
   * Scopes checkpoints to an account (with the endpoint). Runtime entries hand the caller's own
   * options over, so this is the `secretId` the caller gave with `secretKey`; a `signer` does not
   * reveal its key id, so with a `signer` alone checkpoints are scoped by endpoint only.
   */
  secretId?: string;
  /** Checkpoints older than this are ignored. Default 7 days. */
  checkpointMaxAgeMs?: number;
  /** Retry tuning for each request. */
  retry?: RetryOptions;
  /** Aborts the upload, like `abort()`. */
  signal?: AbortSignal;
  /** A concurrency bound shared with other uploads (see `createUploadQueue`). */
  limiter?: TaskLimiter;
  /** Shorthand for `on('progress', …)`. */
  onProgress?: Listener<UploadProgress>;
  /**
   * Size and type rules checked when `upload()` is called, from the source's size, name and MIME
   * type only: a refused file throws a {@link VodRestrictionError} before any byte is read or sent.
   */
  restrictions?: UploadRestrictions | undefined;
  /**
   * Decides whether a failed request (InitUpload, a part, FinishUpload) is sent again: vetoes a
   * retry or allows one the library would not make, within the `retry` budget. See {@link ShouldRetry}.
   */
  shouldRetry?: ShouldRetry | undefined;
  /** Called before every request, after signing, to add headers (a trace id). See {@link BeforeRequestHook}. */
  beforeRequest?: BeforeRequestHook | undefined;
}

/** What is happening to an upload. */
export type UploadState = 'running' | 'paused' | 'done' | 'failed' | 'aborted';

/** Events of an upload handle. */
export type UploadEvents = {
  /** Counters, speed, ETA and percentages; throttled to about 10 per second. */
  progress: UploadProgress;
  /** A failed request will be sent again after `delayMs`; `what` names it (`UploadPart at offset 1048576`). */
  retry: RetryEvent & { what: string };
  /** `concurrency: 'auto'` changed the number of parts in flight (`from`, `to`, `reason`, the round's throughput). */
  concurrency: ConcurrencyDecision;
  /** A part was acknowledged by the service, once per part sent (none for parts it already held). */
  part: PartDone;
  /** Something went wrong without failing the upload. */
  warning: UploadWarning;
  /** The upload's state changed. */
  state: UploadState;
};

/** A running upload. */
export interface UploadHandle {
  /** Resolves with the result, or rejects with one {@link VodError} (`ABORTED` after abort()). */
  readonly done: Promise<UploadResult>;
  /** What the upload is doing now. */
  readonly state: UploadState;
  /** Stops sending (in-flight parts are cancelled); the service keeps the parts it has. */
  pause(): void;
  /** Continues a paused upload: InitUpload lists what the service holds, only the rest is sent. */
  resume(): void;
  /** Ends the upload; `done` rejects with an `ABORTED` error. The checkpoint is kept for later. */
  abort(reason?: unknown): void;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends keyof UploadEvents>(event: E, listener: Listener<UploadEvents[E]>): () => void;
}
