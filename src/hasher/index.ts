/** The single-pass hasher: SHA-1 of the file and MD5 of every part from one read. */
export type { HashEngine, HashEngineLoader, HashOptions, HashResult, HashScope, HashSource, Hasher, IncrementalHash } from './types.js';
export { sparkEngine } from './engines/spark.js';
export { wasmEngine } from './engines/wasm.js';
export { builtinEngines, defaultEngineNames, enginesByName, loadFirstEngine } from './load-engine.js';
export { hashBlob, HASH_PART_SIZES } from './hash-blob.js';
export { createInlineHasher } from './inline-hasher.js';
export type { InlineHasherOptions } from './inline-hasher.js';
export { createWorkerHasher } from './worker-hasher.js';
export type { WorkerHasher, WorkerHasherOptions, WorkerLike } from './worker-hasher.js';
export { createWorkerMessageHandler, parseWorkerRequest, parseWorkerResponse } from './worker-protocol.js';
export type { WorkerMessageHandler, WorkerRequest, WorkerResponse, HashRequest, AbortRequest } from './worker-protocol.js';
