/**
 * `vod-upload/bun`: the core wired for Bun. Files are `Bun.file()` Blobs (read lazily), hashed
 * with `Bun.CryptoHasher` on a Web Worker, and checkpoints are kept in the user's cache
 * directory. Bun APIs are looked up on first use, never at import time.
 */
import { VodArgumentError } from '../../protocol/errors.js';
import { processCheckpointDir } from '../shared/directory-store.js';
import { serverEntry, type ServerEntry } from '../shared/server-entry.js';
import { assertUploadableSize } from '../shared/file-size.js';
import { bunApi, type BunFile } from './bun-api.js';
import { createBunHasher } from './bun-hasher.js';

export * from '../../api.js';
export type { DirectoryCheckpointStore } from '../shared/directory-store.js';
export type { BunFile } from './bun-api.js';
export { createBunHasher, type BunHasherOptions } from './bun-hasher.js';
export { bunCryptoEngine } from './native-hash-engine.js';

/** Opens a file for {@link upload}: `Bun.file(path)`, after checking that it exists. */
export async function openFile(path: string): Promise<BunFile> {
  if (typeof path !== 'string' || path === '') throw new VodArgumentError('path', 'a file path', path);
  const file = bunApi().file(path);
  if (!(await file.exists())) throw new DOMException(`${path} does not exist or is not a file`, 'NotFoundError');
  assertUploadableSize(path, file.size);
  return file;
}

const entry: ServerEntry<BunFile> = /* @__PURE__ */ serverEntry({
  openFile,
  createHasher: () => createBunHasher(),
  defaultCheckpointDir: processCheckpointDir,
});

/**
 * Uploads a Blob or File (`Bun.file(path)` is one). `options` needs `endpoint` and
 * `secretId`+`secretKey` (or a `signer`); see the core's `UploadOptions` for the rest.
 */
export const upload: ServerEntry<BunFile>['upload'] = entry.upload;

/** A queue uploading several files with a shared concurrency bound; options as for {@link upload}. */
export const createUploadQueue: ServerEntry<BunFile>['createUploadQueue'] = entry.createUploadQueue;

/**
 * Uploads the file at `path` and resolves with the result. Use `options.onProgress` and
 * `options.signal` to follow and stop it, or `upload(await openFile(path), options)` for a handle
 * with pause/resume.
 *
 * @example
 * const { fileId, url } = await uploadFile('clip.mp4', { endpoint, secretId, secretKey });
 */
export const uploadFile: ServerEntry<BunFile>['uploadFile'] = entry.uploadFile;

/**
 * Checkpoints as JSON files in `dir`; default: the user's cache directory
 * (`$XDG_CACHE_HOME/vod-upload/checkpoints`, `~/Library/Caches/…` on macOS, `%LOCALAPPDATA%\…` on Windows).
 */
export const createDirectoryCheckpointStore: ServerEntry<BunFile>['createDirectoryCheckpointStore'] = entry.createDirectoryCheckpointStore;
