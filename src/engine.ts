/**
 * `vod-upload/core`: the runtime-agnostic engine, for custom runtimes and tests. Its upload
 * function takes a ready `client` and `hasher` and is named for it, `uploadWithClient`, so it is
 * never confused with the `upload` of the runtime entries (which builds both from `endpoint` and
 * `signer`). Also here: the low-level client (one request per action), the hashers and engines,
 * the pacer, retry and checkpoint helpers, and `bindUpload` to make a runtime entry of your own.
 */
export * from './api.js';
export {
  upload as uploadWithClient,
  type UploadOptions as ClientUploadOptions,
} from './core/upload.js';
export { createUploadQueue as createUploadQueueWithClient } from './core/upload.js';
export type { UploadQueueOptions as ClientUploadQueueOptions } from './core/queue.js';
export { bindUpload, type BoundUpload, type RuntimeServices } from './core/bind-upload.js';
export {
  createVodClient,
  type VodClient,
  type VodClientOptions,
  type RequestOptions,
  type RequestPacer,
  type PartBody,
} from './client/client.js';
export { resolveSource, isFileSource, splitName, sanitizeFileName, planParts, type PartSpan } from './core/source.js';
export { checkpointKey, type CheckpointIdentity } from './core/checkpoint.js';
export { createRatePacer, DEFAULT_RATE_LIMITS, type RatePacer, type RatePacerOptions, type RateLimits } from './util/pacer.js';
export { backoffDelay, withRetry, type WithRetryOptions, type RetryAttempt, type RetryEvent } from './util/retry.js';
export {
  createLimiter,
  AUTO_INITIAL_CONCURRENCY,
  AUTO_MAX_CONCURRENCY,
  type Limiter,
  type ConcurrencySetting,
} from './util/concurrency.js';
export {
  initialConcurrency,
  stepConcurrency,
  type ConcurrencyState,
} from './core/auto-concurrency.js';
export type {
  ConcurrencyDecision,
  ConcurrencyReason,
  ConcurrencySample,
  ConcurrencyBounds,
  CongestionReason,
} from './core/concurrency-types.js';
export { validateRestrictions, findRestrictionFailure, VIDEO_TYPES, VIDEO_MIME_TYPES } from './core/restrictions.js';
export { createInlineHasher, type InlineHasherOptions } from './hasher/inline-hasher.js';
export { createWorkerHasher, type WorkerHasher, type WorkerHasherOptions, type WorkerLike } from './hasher/worker-hasher.js';
export { sparkEngine } from './hasher/engines/spark.js';
export { wasmEngine } from './hasher/engines/wasm.js';
export { hashBlob } from './hasher/hash-blob.js';
export type { HashEngine, HashEngineLoader, HashScope, IncrementalHash } from './hasher/types.js';
