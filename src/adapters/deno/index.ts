/**
 * `vod-upload/deno`: the core wired for Deno (2.x). Files are read lazily through `Deno.open`,
 * hashed with node:crypto on a module Web Worker, and checkpoints are kept in the user's cache
 * directory. Deno APIs are looked up on first use, never at import time.
 *
 * Permissions: `--allow-net` (the service), `--allow-read` (the files), and for checkpoints
 * `--allow-read --allow-write --allow-env` (the cache directory); without them checkpoints are
 * skipped with a warning, never failing the upload.
 */
import { VodArgumentError } from '../../protocol/errors.js';
import { defaultCheckpointDir } from '../shared/directory-store.js';
import { serverEntry, type ServerEntry } from '../shared/server-entry.js';
import { registerFile } from '../shared/thread-hasher.js';
import { denoApi } from './deno-api.js';
import { openDenoFile, type DenoFile } from './file-source.js';
import { createDenoHasher } from './deno-hasher.js';

export * from '../../api.js';
export { nodeCryptoEngine } from '../node/native-hash-engine.js';
export type { DirectoryCheckpointStore } from '../shared/directory-store.js';
export type { DenoFile } from './file-source.js';
export { createDenoHasher, type DenoHasherOptions } from './deno-hasher.js';

/** Opens a file for {@link upload}: a {@link DenoFile} read lazily, named after the path's base name. */
export async function openFile(path: string): Promise<DenoFile> {
  if (typeof path !== 'string' || path === '') throw new VodArgumentError('path', 'a file path', path);
  const file = await openDenoFile(path);
  return registerFile(file, { path, size: file.size, mtimeMs: file.lastModified });
}

const entry: ServerEntry<DenoFile> = /* @__PURE__ */ serverEntry({
  openFile,
  createHasher: () => createDenoHasher(),
  defaultCheckpointDir: () => {
    const deno = denoApi();
    const home = deno.env.get('HOME') ?? deno.env.get('USERPROFILE') ?? '.';
    return defaultCheckpointDir(deno.build.os, (name) => deno.env.get(name), home);
  },
});

/**
 * Uploads a Blob, a File or a {@link DenoFile} from {@link openFile}. `options` needs `endpoint` and
 * `secretId`+`secretKey` (or a `signer`); see the core's `UploadOptions` for the rest.
 */
export const upload: ServerEntry<DenoFile>['upload'] = entry.upload;

/** A queue uploading several files with a shared concurrency bound; options as for {@link upload}. */
export const createUploadQueue: ServerEntry<DenoFile>['createUploadQueue'] = entry.createUploadQueue;

/**
 * Uploads the file at `path` and resolves with the result. Use `options.onProgress` and
 * `options.signal` to follow and stop it, or `upload(await openFile(path), options)` for a handle
 * with pause/resume.
 *
 * @example
 * const { fileId, url } = await uploadFile('clip.mp4', { endpoint, secretId, secretKey });
 */
export const uploadFile: ServerEntry<DenoFile>['uploadFile'] = entry.uploadFile;

/**
 * Checkpoints as JSON files in `dir`; default: the user's cache directory
 * (`$XDG_CACHE_HOME/vod-upload/checkpoints`, `~/Library/Caches/…` on macOS, `%LOCALAPPDATA%\…` on Windows).
 */
export const createDirectoryCheckpointStore: ServerEntry<DenoFile>['createDirectoryCheckpointStore'] = entry.createDirectoryCheckpointStore;
