/**
 * What the Node, Deno and Bun entries share: given a runtime's pieces (its file opener, its
 * hasher, where its cache directory is), the entry's `upload`, `createUploadQueue`, `uploadFile`
 * and `createDirectoryCheckpointStore`. Nothing is built until the first call.
 */
import {
  bindUpload,
  type BoundUpload,
  type EasyUploadOptions,
  type EasyUploadQueueOptions,
  type RuntimeServices,
} from '../../core/bind-upload.js';
import type { UploadQueue } from '../../core/queue.js';
import type { UploadResult } from '../../core/run-upload.js';
import type { UploadSource } from '../../core/source.js';
import type { UploadHandle } from '../../core/upload.js';
import type { Hasher } from '../../hasher/types.js';
import { createDirectoryCheckpointStore as directoryStore, type DirectoryCheckpointStore } from './directory-store.js';

/** A server runtime's pieces. Each is called on first use, never when the entry is imported. */
export interface ServerRuntimePieces<F extends UploadSource> {
  /** Opens the file at `path` as a source the runtime reads lazily. */
  openFile(path: string): Promise<F>;
  /** Makes the runtime's default hasher (once, on the first upload without a `hasher`). */
  createHasher(): Hasher;
  /** The default checkpoint directory (the user's cache directory). */
  defaultCheckpointDir(): string | Promise<string>;
  /** Client defaults the runtime needs (see `RuntimeServices`). */
  clientDefaults?: RuntimeServices['clientDefaults'];
}

/** The functions a server entry exports. */
export interface ServerEntry<F extends UploadSource> {
  /**
   * Uploads a Blob, a File or a source from `openFile`. `options` needs `endpoint` and
   * `secretId`+`secretKey` (or a `signer`); see the core's `UploadOptions` for the rest.
   */
  upload(source: UploadSource, options: EasyUploadOptions): UploadHandle;
  /** A queue uploading several files with a shared concurrency bound; options as for `upload`. */
  createUploadQueue<S extends UploadSource = Blob>(options: EasyUploadQueueOptions<S>): UploadQueue<S>;
  /**
   * Uploads the file at `path` and resolves with the result. Use `options.onProgress` and
   * `options.signal` to follow and stop it, or `upload(await openFile(path), options)` for a
   * handle with pause/resume.
   *
   * @example
   * const { fileId, url } = await uploadFile('clip.mp4', { endpoint, secretId, secretKey });
   */
  uploadFile(path: string, options: EasyUploadOptions): Promise<UploadResult>;
  /**
   * Checkpoints as JSON files in `dir`; default: the user's cache directory
   * (`$XDG_CACHE_HOME/vod-upload/checkpoints`, `~/Library/Caches/…` on macOS, `%LOCALAPPDATA%\…` on Windows).
   */
  createDirectoryCheckpointStore(dir?: string): DirectoryCheckpointStore;
  /** Opens a file for `upload`. */
  openFile(path: string): Promise<F>;
}

/** Builds a server entry's functions from the runtime's pieces. */
export function serverEntry<F extends UploadSource>(pieces: ServerRuntimePieces<F>): ServerEntry<F> {
  const createDirectoryCheckpointStore = (dir?: string): DirectoryCheckpointStore =>
    directoryStore(dir ?? (() => pieces.defaultCheckpointDir()));
  let bound: BoundUpload | undefined;
  const runtime = (): BoundUpload =>
    (bound ??= bindUpload({
      createHasher: () => pieces.createHasher(),
      createCheckpointStore: () => createDirectoryCheckpointStore(),
      ...(pieces.clientDefaults ? { clientDefaults: pieces.clientDefaults } : {}),
    }));
  const upload = (source: UploadSource, options: EasyUploadOptions): UploadHandle => runtime().upload(source, options);
  return {
    upload,
    createUploadQueue: (options) => runtime().createUploadQueue(options),
    uploadFile: async (path, options) => upload(await pieces.openFile(path), options).done,
    createDirectoryCheckpointStore,
    openFile: (path) => pieces.openFile(path),
  };
}
