/**
 * `vod-upload/browser`: the core wired for browsers. Files are hashed on a module Web Worker
 * (WebAssembly, or pure JS where a CSP forbids it), checkpoints live in IndexedDB (memory in
 * private mode). Globals are probed on the first upload, never at import time.
 *
 * Never put a SecretKey in a page: pass a `signer` that asks your server to sign
 * (see `vod-upload/proxy`). `secretId`/`secretKey` are accepted for local tests against the emulator.
 */
import { bindUpload, type BoundUpload, type EasyUploadOptions, type EasyUploadQueueOptions } from '../../core/bind-upload.js';
import type { UploadQueue } from '../../core/queue.js';
import type { UploadSource } from '../../core/source.js';
import type { UploadHandle } from '../../core/upload.js';
import { createBrowserWorkerHasher } from '../../hasher/browser-worker.js';
import { createIdbCheckpointStore } from './idb-checkpoints.js';

export * from '../../api.js';
export { createBrowserWorkerHasher, type BrowserWorkerHasherOptions } from '../../hasher/browser-worker.js';
export { createIdbCheckpointStore, type IdbCheckpointStoreOptions, type BrowserCheckpointStore } from './idb-checkpoints.js';

let bound: BoundUpload | undefined;
/** Binds the engine to this runtime on first use: importing the entry builds nothing. */
const runtime = (): BoundUpload => (bound ??= bindUpload({
  createHasher: () => createBrowserWorkerHasher(),
  createCheckpointStore: () => createIdbCheckpointStore(),
}));

/**
 * Uploads a File or Blob. `options` needs `signer` (or `secretId`+`secretKey` for the local
 * emulator only) and usually `endpoint`; see the core's `UploadOptions` for the rest.
 *
 * @example
 * const handle = upload(input.files[0], { signer, endpoint });
 * handle.on('progress', (p) => bar.value = p.ackedBytes / p.totalBytes);
 * const { fileId, url } = await handle.done;
 */
export function upload(source: UploadSource, options: EasyUploadOptions): UploadHandle {
  return runtime().upload(source, options);
}

/** A queue uploading several files with a shared concurrency bound; options as for {@link upload}. */
export function createUploadQueue<S extends UploadSource = Blob>(options: EasyUploadQueueOptions<S>): UploadQueue<S> {
  return runtime().createUploadQueue(options);
}
