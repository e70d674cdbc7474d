/**
 * `vod-upload/browser`: the core wired for browsers. Files are hashed on a module Web Worker
 * (WebAssembly, or pure JS where a CSP forbids it), checkpoints live in IndexedDB (memory in
 * private mode). Globals are probed on the first upload, never at import time.
 *
 * Never put a SecretKey in a page: pass a `signer` that asks your server to sign
 * (see `vod-upload/proxy`). `secretId`/`secretKey` are accepted for local tests against the emulator.
 */
export * from '../../api.js';
export { createBrowserWorkerHasher, type BrowserWorkerHasherOptions } from './hasher.js';
export { createIdbCheckpointStore, type IdbCheckpointStoreOptions, type BrowserCheckpointStore } from './idb-checkpoints.js';
export { createUploadQueue, upload } from './upload.js';
