/** The runtime-agnostic upload engine. */
export { upload, createUploadQueue, type UploadHandle, type UploadOptions, type UploadEvents, type UploadState } from './upload.js';
export type {
  UploadQueue,
  UploadQueueOptions,
  QueueEntryResult,
  QueueFile,
  QueueFileStatus,
  QueueState,
  UploadQueueEvents,
} from './queue.js';
export type { QueueProgress } from './queue-progress.js';
export {
  VodRestrictionError,
  validateRestrictions,
  findRestrictionFailure,
  VIDEO_TYPES,
  VIDEO_MIME_TYPES,
  type UploadRestrictions,
  type RestrictionRule,
  type RestrictedFile,
} from './restrictions.js';
export type { UploadResult, UploadKind, UploadWarning, InitExtras } from './run-upload.js';
export type { UploadProgress } from './progress-types.js';
export type { UploadPhase, ProgressState } from './progress.js';
export {
  resolveSource,
  isFileSource,
  splitName,
  sanitizeFileName,
  truncateUtf8,
  planParts,
  type UploadSource,
  type FileSource,
  type NamingOptions,
  type PartSpan,
} from './source.js';
export { createMemoryCheckpointStore, checkpointKey, type CheckpointStore, type CheckpointRecord } from './checkpoint.js';
export {
  findPendingUploads,
  removePendingUpload,
  clearPendingUploads,
  type PendingUpload,
  type ListableCheckpointStore,
} from './pending.js';
export { createRatePacer, DEFAULT_RATE_LIMITS, type RatePacer, type RateLimits } from '../util/pacer.js';
export { isRetryable, backoffDelay, withRetry, type RetryOptions, type ShouldRetry } from '../util/retry.js';
export type { PartDone } from './send-parts.js';
export { createLimiter, type Limiter } from '../util/concurrency.js';
export { bindUpload, type BoundUpload, type ConnectionOptions, type EasyUploadOptions, type RuntimeServices } from './bind-upload.js';
