/**
 * `vod-upload/node`: the core wired for Node (≥ 20). Files are read lazily from disk by position
 * (any size), hashed with node:crypto on a worker thread, and checkpoints are kept in the
 * user's cache directory, so an interrupted upload resumes — even in a new process — without
 * hashing again. Node modules are imported on first use, never at import time.
 */
import { processCheckpointDir } from '../shared/directory-store.js';
import { serverEntry, type ServerEntry } from '../shared/server-entry.js';
import type { NodeFile } from './file-source.js';
import { createNodeHasher } from './node-hasher.js';
import { openFile } from './open-file.js';

export * from '../../api.js';
export { nodeCryptoEngine } from './native-hash-engine.js';
export { NodeFile } from './file-source.js';
export { createNodeHasher, type NodeHasherOptions } from './node-hasher.js';
export { openFile } from './open-file.js';
export type { DirectoryCheckpointStore } from '../shared/directory-store.js';

const entry: ServerEntry<NodeFile> = /* @__PURE__ */ serverEntry({
  openFile,
  createHasher: () => createNodeHasher(),
  defaultCheckpointDir: processCheckpointDir,
  // Node's fetch sends a stream with its Content-Length: the stall watch then sees bytes going out.
  clientDefaults: { streamPartBodies: true },
});

/**
 * Uploads a Blob or File (e.g. from {@link openFile}). `options` needs `endpoint` and
 * `secretId`+`secretKey` (or a `signer`); see the core's `UploadOptions` for the rest.
 */
export const upload: ServerEntry<NodeFile>['upload'] = entry.upload;

/** A queue uploading several files with a shared concurrency bound; options as for {@link upload}. */
export const createUploadQueue: ServerEntry<NodeFile>['createUploadQueue'] = entry.createUploadQueue;

/**
 * Uploads the file at `path` and resolves with the result. Use `options.onProgress` and
 * `options.signal` to follow and stop it, or `upload(await openFile(path), options)` for a handle
 * with pause/resume.
 *
 * @example
 * const { fileId, url } = await uploadFile('clip.mp4', { endpoint, secretId, secretKey });
 */
export const uploadFile: ServerEntry<NodeFile>['uploadFile'] = entry.uploadFile;

/**
 * Checkpoints as JSON files in `dir`; default: the user's cache directory
 * (`$XDG_CACHE_HOME/vod-upload/checkpoints`, `~/Library/Caches/…` on macOS, `%LOCALAPPDATA%\…` on Windows).
 */
export const createDirectoryCheckpointStore: ServerEntry<NodeFile>['createDirectoryCheckpointStore'] = entry.createDirectoryCheckpointStore;
