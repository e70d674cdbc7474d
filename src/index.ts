/**
 * vod-upload: upload video to Tencent Cloud VOD through its server-side upload protocol.
 *
 * This entry is the runtime-agnostic core; runtime entries (`vod-upload/node`, `/browser`, …)
 * wire it with file reading, hashing engines and checkpoint storage.
 */
export * from './protocol/index.js';
export * from './client/index.js';
export * from './core/index.js';
export { createInlineHasher, createWorkerHasher, sparkEngine, wasmEngine, type Hasher, type HashResult, type HashEngine, type HashEngineLoader } from './hasher/index.js';
export { createRemoteSigner, createProxySigner, type RemoteSigner, type RemoteSignerOptions, type RemoteSignerStats } from './signing/index.js';
