/**
 * The names every public entry of vod-upload shares (`.` in each runtime, the runtime subpaths,
 * `vod-upload/core`): errors, signers, checkpoint stores and the types of an upload. Entries add
 * their runtime's `upload` and `createUploadQueue` (see src/index.ts) and their own helpers.
 * Server internals (signature primitives, wire schemas) are not here: the emulator and the proxy
 * import them from src/protocol directly.
 */
export {
  VodError,
  VodArgumentError,
  ErrorCode,
  ClientErrorCode,
  isAbortError,
  type VodAction,
  type VodErrorInit,
  type ClientErrorCodeValue,
} from './protocol/errors.js';
export { DEFAULT_ENDPOINT, PART_SIZES, type PartSize } from './protocol/constants.js';
export {
  createSecretSigner,
  type Signer,
  type SignInput,
  type SecretSignerOptions,
  type SignatureMethod,
  type HttpMethod,
} from './protocol/signature.js';
export { createRemoteSigner, type RemoteSigner, type RemoteSignerOptions, type RemoteSignerStats } from './signing/remote-signer.js';
export { createProxySigner } from './signing/proxy-signer.js';
export { createMemoryCheckpointStore } from './core/memory-checkpoints.js';
export type { CheckpointStore, CheckpointRecord } from './core/checkpoint.js';
export { isRetryable, type RetryOptions, type ShouldRetry } from './util/retry.js';
export type { BeforeRequestHook, OutgoingRequest } from './client/request-hook.js';
export type { PartDone } from './core/send-parts.js';
export type { UploadHandle, UploadEvents, UploadState } from './core/upload.js';
export type { UploadQueue, QueueEntryResult, QueueFile, QueueFileStatus, QueueState, UploadQueueEvents } from './core/queue.js';
export type { QueueProgress } from './core/queue-progress.js';
export { VodRestrictionError, type UploadRestrictions, type RestrictionRule, type RestrictedFile } from './core/restrictions.js';
export type { UploadResult, UploadKind, UploadWarning, InitExtras } from './core/run-upload.js';
export type { UploadProgress } from './core/progress-types.js';
export type { UploadPhase, ProgressState } from './core/progress.js';
export type { UploadSource, FileSource, NamingOptions } from './core/source.js';
export type { Hasher, HashResult, HashOptions, HashSource } from './hasher/types.js';
export type {
  ConnectionOptions,
  EasyUploadOptions as UploadOptions,
  EasyUploadQueueOptions as UploadQueueOptions,
  UploadFunction,
  CreateUploadQueueFunction,
} from './core/bind-upload.js';
