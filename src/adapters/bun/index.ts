/**
 * `vod-upload/bun`: the core wired for Bun. Files are `Bun.file()` Blobs (read lazily), hashed
 * with `Bun.CryptoHasher` on a Web Worker, and checkpoints are kept in the user's cache
 * directory. Bun APIs are looked up on first use, never at import time.
 */
import { bindUpload, type BoundUpload, type EasyUploadOptions, type EasyUploadQueueOptions } from '../../core/bind-upload.js';
import type { UploadQueue } from '../../core/queue.js';
import type { UploadSource } from '../../core/source.js';
import type { UploadHandle } from '../../core/upload.js';
import type { UploadResult } from '../../core/run-upload.js';
import { createInlineHasher } from '../../hasher/inline-hasher.js';
import type { HashEngine, HashEngineLoader, Hasher } from '../../hasher/types.js';
import { VodArgumentError } from '../../protocol/errors.js';
import { createDirectoryCheckpointStore as directoryStore, defaultCheckpointDir, type DirectoryCheckpointStore } from '../shared/directory-store.js';
import { assertUploadableSize } from '../shared/file-size.js';
import { createThreadHasher } from '../shared/thread-hasher.js';
import { bunApi, type BunFile } from './bun-api.js';
import { spawnBunWorker } from './web-worker.js';

export * from '../../api.js';
export type { DirectoryCheckpointStore } from '../shared/directory-store.js';
export type { BunFile } from './bun-api.js';

/** `Bun.CryptoHasher` as a hash engine (for the inline hasher). */
export const bunCryptoEngine: HashEngineLoader = {
  name: 'bun',
  load() {
    const { CryptoHasher } = bunApi();
    const make = (algorithm: 'sha1' | 'md5') => () => {
      let state = new CryptoHasher(algorithm);
      return {
        update: (bytes: Uint8Array) => {
          state.update(bytes);
        },
        digest: () => {
          const hex = state.digest('hex');
          state = new CryptoHasher(algorithm);
          return hex;
        },
      };
    };
    const engine: HashEngine = { name: 'bun', sha1: make('sha1'), md5: make('md5') };
    return Promise.resolve(engine);
  },
};

/** Options of {@link createBunHasher}. */
export interface BunHasherOptions {
  /** `'worker'` (default): a Web Worker. `'inline'`: the calling thread. */
  runner?: 'worker' | 'inline';
  /** An idle worker is terminated after this many ms (default 0, so programs exit at once). */
  idleTimeoutMs?: number;
}

/** A hasher using `Bun.CryptoHasher`, on a Web Worker by default (Blobs, `Bun.file()` included, are posted to it). */
export function createBunHasher(options: BunHasherOptions = {}): Hasher & { close(): void } {
  const runner = options.runner ?? 'worker';
  if (runner !== 'worker' && runner !== 'inline') throw new VodArgumentError('runner', "'worker' or 'inline'", runner);
  const inline = createInlineHasher({ engines: [bunCryptoEngine] });
  if (runner === 'inline') return { hash: (source, hashOptions) => inline.hash(source, hashOptions), close: () => undefined };
  return createThreadHasher({ spawn: spawnBunWorker, fallback: inline, idleTimeoutMs: options.idleTimeoutMs });
}

/**
 * Checkpoints as JSON files in `dir`; default: the user's cache directory
 * (`$XDG_CACHE_HOME/vod-upload/checkpoints`, `~/Library/Caches/…` on macOS, `%LOCALAPPDATA%\…` on Windows).
 */
export function createDirectoryCheckpointStore(dir?: string): DirectoryCheckpointStore {
  if (dir !== undefined) return directoryStore(dir);
  return directoryStore(async () => {
    const [os, { env }] = await Promise.all([import('node:os'), import('node:process')]);
    return defaultCheckpointDir(os.platform(), (name) => env[name], os.homedir());
  });
}

/** Opens a file for {@link upload}: `Bun.file(path)`, after checking that it exists. */
export async function openFile(path: string): Promise<BunFile> {
  if (typeof path !== 'string' || path === '') throw new VodArgumentError('path', 'a file path', path);
  const file = bunApi().file(path);
  if (!(await file.exists())) throw new DOMException(`${path} does not exist or is not a file`, 'NotFoundError');
  assertUploadableSize(path, file.size);
  return file;
}

let bound: BoundUpload | undefined;
/** Binds the engine to this runtime on first use: importing the entry builds nothing. */
const runtime = (): BoundUpload => (bound ??= bindUpload({
  createHasher: () => createBunHasher(),
  createCheckpointStore: () => createDirectoryCheckpointStore(),
}));

/**
 * Uploads a Blob or File (`Bun.file(path)` is one). `options` needs `endpoint` and
 * `secretId`+`secretKey` (or a `signer`); see the core's `UploadOptions` for the rest.
 */
export function upload(source: UploadSource, options: EasyUploadOptions): UploadHandle {
  return runtime().upload(source, options);
}

/** A queue uploading several files with a shared concurrency bound; options as for {@link upload}. */
export function createUploadQueue<S extends UploadSource = Blob>(options: EasyUploadQueueOptions<S>): UploadQueue<S> {
  return runtime().createUploadQueue(options);
}

/**
 * Uploads the file at `path` and resolves with the result. Use `options.onProgress` and
 * `options.signal` to follow and stop it, or `upload(Bun.file(path), options)` for a handle.
 *
 * @example
 * const { fileId, url } = await uploadFile('clip.mp4', { endpoint, secretId, secretKey });
 */
export async function uploadFile(path: string, options: EasyUploadOptions): Promise<UploadResult> {
  return upload(await openFile(path), options).done;
}
