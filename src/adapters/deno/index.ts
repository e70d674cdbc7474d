/**
 * `vod-upload/deno`: the core wired for Deno (2.x). Files are read lazily through `Deno.open`,
 * hashed with node:crypto on a module Web Worker, and checkpoints are kept in the user's cache
 * directory. Deno APIs are looked up on first use, never at import time.
 *
 * Permissions: `--allow-net` (the service), `--allow-read` (the files), and for checkpoints
 * `--allow-read --allow-write --allow-env` (the cache directory); without them checkpoints are
 * skipped with a warning, never failing the upload.
 */
import { bindUpload, type BoundUpload, type EasyUploadOptions, type EasyUploadQueueOptions } from '../../core/bind-upload.js';
import type { UploadQueue } from '../../core/queue.js';
import type { UploadHandle } from '../../core/upload.js';
import type { UploadResult } from '../../core/run-upload.js';
import type { UploadSource } from '../../core/source.js';
import { createInlineHasher } from '../../hasher/inline-hasher.js';
import type { Hasher } from '../../hasher/types.js';
import { VodArgumentError } from '../../protocol/errors.js';
import { nodeCryptoEngine } from '../node/native-hash-engine.js';
import { createDirectoryCheckpointStore as directoryStore, defaultCheckpointDir, type DirectoryCheckpointStore } from '../shared/directory-store.js';
import { createThreadHasher, registerFile } from '../shared/thread-hasher.js';
import { denoApi } from './deno-api.js';
import { openDenoFile, type DenoFile } from './file-source.js';
import { spawnDenoWorker } from './web-worker.js';

export * from '../../api.js';
export { nodeCryptoEngine } from '../node/native-hash-engine.js';
export type { DirectoryCheckpointStore } from '../shared/directory-store.js';
export type { DenoFile } from './file-source.js';

/** Options of {@link createDenoHasher}. */
export interface DenoHasherOptions {
  /** `'worker'` (default): a module Web Worker. `'inline'`: the calling thread. */
  runner?: 'worker' | 'inline';
  /** An idle worker is terminated after this many ms (default 0, so programs exit at once). */
  idleTimeoutMs?: number;
}

/**
 * A hasher using Deno's node:crypto (native). By default it runs on a Web Worker, which reads
 * files opened by {@link openFile} itself; Blobs are posted to it; other sources are hashed inline.
 */
export function createDenoHasher(options: DenoHasherOptions = {}): Hasher & { close(): void } {
  const runner = options.runner ?? 'worker';
  if (runner !== 'worker' && runner !== 'inline') throw new VodArgumentError('runner', "'worker' or 'inline'", runner);
  const inline = createInlineHasher({ engines: [nodeCryptoEngine] });
  if (runner === 'inline') return { hash: (source, hashOptions) => inline.hash(source, hashOptions), close: () => undefined };
  return createThreadHasher({ spawn: spawnDenoWorker, fallback: inline, idleTimeoutMs: options.idleTimeoutMs });
}

/**
 * Checkpoints as JSON files in `dir`; default: the user's cache directory
 * (`$XDG_CACHE_HOME/vod-upload/checkpoints`, `~/Library/Caches/…` on macOS, `%LOCALAPPDATA%\…` on Windows).
 */
export function createDirectoryCheckpointStore(dir?: string): DirectoryCheckpointStore {
  if (dir !== undefined) return directoryStore(dir);
  return directoryStore(() => {
    const deno = denoApi();
    const home = deno.env.get('HOME') ?? deno.env.get('USERPROFILE') ?? '.';
    return defaultCheckpointDir(deno.build.os, (name) => deno.env.get(name), home);
  });
}

/** Opens a file for {@link upload}: a {@link DenoFile} read lazily, named after the path's base name. */
export async function openFile(path: string): Promise<DenoFile> {
  if (typeof path !== 'string' || path === '') throw new VodArgumentError('path', 'a file path', path);
  const file = await openDenoFile(path);
  return registerFile(file, { path, size: file.size, mtimeMs: file.lastModified });
}

let bound: BoundUpload | undefined;
/** Binds the engine to this runtime on first use: importing the entry builds nothing. */
const runtime = (): BoundUpload => (bound ??= bindUpload({
  createHasher: () => createDenoHasher(),
  createCheckpointStore: () => createDirectoryCheckpointStore(),
}));

/**
 * Uploads a Blob, a File or a {@link DenoFile} from {@link openFile}. `options` needs `endpoint` and
 * `secretId`+`secretKey` (or a `signer`); see the core's `UploadOptions` for the rest.
 */
export function upload(source: UploadSource, options: EasyUploadOptions): UploadHandle {
  return runtime().upload(source, options);
}

/** A queue uploading several files (Blobs or {@link DenoFile}s) with a shared concurrency bound. */
export function createUploadQueue<S extends UploadSource = Blob>(options: EasyUploadQueueOptions<S>): UploadQueue<S> {
  return runtime().createUploadQueue(options);
}

/**
 * Uploads the file at `path` and resolves with the result. Use `options.onProgress` and
 * `options.signal` to follow and stop it, or `upload(await openFile(path), options)` for a handle
 * with pause/resume.
 *
 * @example
 * const { fileId, url } = await uploadFile('clip.mp4', { endpoint, secretId, secretKey });
 */
export async function uploadFile(path: string, options: EasyUploadOptions): Promise<UploadResult> {
  return upload(await openFile(path), options).done;
}
