/**
 * vod-upload: upload video to Tencent Cloud VOD through its server-side upload protocol.
 *
 * `import { upload } from 'vod-upload'` has this one API in every runtime; the export conditions
 * (`browser`, `node`, `deno`, `bun`, `workerd`) pick the runtime's implementation (src/roots/*),
 * and these declarations describe all of them. This module is the implementation for browsers and
 * for runtimes no condition names (a module Web Worker hashes where one can start; otherwise the
 * page's thread does, with a `warning` event). Runtime-only helpers come from the runtime's
 * subpath (`vod-upload/node`, `/deno`, `/bun`, `/browser`, `/workers`); the engine that takes a
 * client and a hasher comes from `vod-upload/core`.
 */
import { createUploadQueue as browserQueue, upload as browserUpload } from './adapters/browser/upload.js';
import type { CreateUploadQueueFunction, UploadFunction } from './core/bind-upload.js';

export * from './api.js';

/**
 * Uploads a File or Blob (servers: also their runtime's files, e.g. `Bun.file()`); returns a
 * handle at once. `options` needs a `signer` (browsers: `createRemoteSigner`) or, on servers,
 * `secretId` + `secretKey`; `endpoint` defaults to the real service.
 *
 * @example
 * const handle = upload(file, { endpoint, signer });
 * handle.on('progress', (p) => console.log(p.phase, p.percent));
 * const { fileId, url, kind } = await handle.done;
 */
export const upload: UploadFunction = browserUpload;

/** A queue uploading several files with a shared bound on parts in flight; options as for {@link upload}. */
export const createUploadQueue: CreateUploadQueueFunction = browserQueue;
