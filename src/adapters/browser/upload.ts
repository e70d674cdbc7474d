/**
 * The browser's `upload` and `createUploadQueue`: the handle comes at once, the engine
 * (runtime.ts) is imported on the first call. Its own module so that the package root reaches
 * only this, not the worker hasher and IndexedDB store that `vod-upload/browser` also exports
 * (esbuild's code splitting keeps every chunk the entry reaches statically).
 */
import { VodArgumentError } from '../../protocol/errors.js';
import type { EasyUploadOptions, EasyUploadQueueOptions, UploadFunction } from '../../core/bind-upload.js';
import { checkConnection, deferUpload } from '../../core/deferred-upload.js';
import { createQueue, type UploadQueue, type UploadQueueOptions } from '../../core/queue.js';
import type { UploadSource } from '../../core/source.js';
import type { UploadHandle } from '../../core/upload.js';

let engine: Promise<UploadFunction> | undefined;
/** The engine is imported on the first upload: a page pays for it when it uploads, not when it loads. */
const loadEngine = (): Promise<UploadFunction> => (engine ??= import('./runtime.js').then((runtime) => runtime.browserRuntime().upload));

/**
 * Uploads a File or Blob. `options` needs `signer` (or `secretId`+`secretKey` for the local
 * emulator only) and usually `endpoint`; see the core's `UploadOptions` for the rest.
 *
 * The handle comes back at once; the upload engine is imported on the first call. No options,
 * no source or nothing to sign with throw here; any other bad option rejects `done` with the
 * same {@link VodArgumentError} before any byte is read or sent.
 *
 * @example
 * const handle = upload(input.files[0], { signer, endpoint });
 * handle.on('progress', (p) => bar.value = p.ackedBytes / p.totalBytes);
 * const { fileId, url } = await handle.done;
 */
export function upload(source: UploadSource, options: EasyUploadOptions): UploadHandle {
  return deferUpload(loadEngine, source, options);
}

/**
 * A queue uploading several files with a shared concurrency bound; options as for {@link upload}.
 * Its own options are checked at once; each file starts as {@link upload} does.
 */
export function createUploadQueue<S extends UploadSource = Blob>(options: EasyUploadQueueOptions<S>): UploadQueue<S> {
  if (!options || typeof options !== 'object') throw new VodArgumentError('options', 'an object with endpoint and signer', options);
  checkConnection(options);
  // The queue passes its options on to each file's upload, where the engine reads the connection.
  return createQueue(options as UploadQueueOptions<S>, (source, fileOptions) =>
    deferUpload(loadEngine, source, fileOptions as EasyUploadOptions),
  );
}
