/**
 * `vod-upload/node`: the core wired for Node (≥ 20). Files are read lazily from disk by position
 * (any size), hashed with node:crypto on a worker thread, and checkpoints are kept in the
 * user's cache directory, so an interrupted upload resumes — even in a new process — without
 * hashing again. Node modules are imported on first use, never at import time.
 */
import { bindUpload, type BoundUpload, type EasyUploadOptions, type EasyUploadQueueOptions } from '../../core/bind-upload.js';
import type { UploadQueue } from '../../core/queue.js';
import type { UploadSource } from '../../core/source.js';
import type { UploadHandle } from '../../core/upload.js';
import type { UploadResult } from '../../core/run-upload.js';
import { createInlineHasher } from '../../hasher/inline-hasher.js';
import type { Hasher } from '../../hasher/types.js';
import { ClientErrorCode, VodArgumentError, VodError } from '../../protocol/errors.js';
import { createDirectoryCheckpointStore as directoryStore, defaultCheckpointDir, type DirectoryCheckpointStore } from '../shared/directory-store.js';
import { createThreadHasher, lazyHasher, registerFile } from '../shared/thread-hasher.js';
import { openNodeFile, type NodeFile } from './file-source.js';
import { nodeCryptoEngine } from './native-hash-engine.js';
import { spawnNodeWorker } from './thread-worker.js';

export * from '../../api.js';
export { nodeCryptoEngine } from './native-hash-engine.js';
export { NodeFile } from './file-source.js';
export type { DirectoryCheckpointStore } from '../shared/directory-store.js';

/** Options of {@link createNodeHasher}. */
export interface NodeHasherOptions {
  /** `'worker'` (default): a worker thread, the event loop stays free. `'inline'`: the calling thread. */
  runner?: 'worker' | 'inline';
  /** An idle worker is terminated after this many ms (default 0, so scripts exit at once). */
  idleTimeoutMs?: number;
  /** Worker threads per job: 2 (default) hash SHA-1 and MD5 in parallel from one read; 1 does both on one. */
  threads?: 1 | 2;
}

/**
 * A hasher using node:crypto (OpenSSL). By default it runs on a worker thread that reads files
 * opened by {@link openFile} itself; other Blobs are posted to it, and Blobs that cannot be posted
 * (a file-backed Blob from your own `fs.openAsBlob`) are hashed inline.
 */
export function createNodeHasher(options: NodeHasherOptions = {}): Hasher & { close(): void } {
  const runner = options.runner ?? 'worker';
  if (runner !== 'worker' && runner !== 'inline') throw new VodArgumentError('runner', "'worker' or 'inline'", runner);
  if (options.threads !== undefined && options.threads !== 1 && options.threads !== 2) throw new VodArgumentError('threads', '1 or 2', options.threads);
  const inline = createInlineHasher({ engines: [nodeCryptoEngine] });
  if (runner === 'inline') return { hash: (source, hashOptions) => inline.hash(source, hashOptions), close: () => undefined };
  return lazyHasher(async () => {
    const { Worker } = await import('node:worker_threads');
    return createThreadHasher({ spawn: () => spawnNodeWorker(Worker), fallback: inline, idleTimeoutMs: options.idleTimeoutMs, threads: options.threads });
  });
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

/**
 * Opens a file for {@link upload}: a {@link NodeFile} (named after the path's base name, with the
 * file's mtime) whose bytes are read by position only as the upload sends them. Any size below
 * 2^53 bytes works (Node 20's `fs.openAsBlob` gets sizes of 4 GiB and more wrong, so it is not used).
 */
export async function openFile(path: string): Promise<NodeFile> {
  if (typeof path !== 'string' || path === '') throw new VodArgumentError('path', 'a file path', path);
  // The full path: it is part of the checkpoint identity (day1/clip.mp4 is not day2/clip.mp4).
  const absolute = (await import('node:path')).resolve(path);
  let file: NodeFile;
  try {
    file = await openNodeFile(absolute);
  } catch (error) {
    throw openError(path, error);
  }
  return registerFile(file, { path: absolute, size: file.size, mtimeMs: file.mtimeMs });
}

/** A file that cannot be opened is a typed error naming the path, never a bare ENOENT. */
function openError(path: string, error: unknown): VodError {
  if (error instanceof VodError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : error instanceof Error ? error.message : String(error);
  return new VodError({ code: ClientErrorCode.Source, message: `Cannot open ${JSON.stringify(path)}: ${reason}`, canRetry: false, cause: error });
}

let bound: BoundUpload | undefined;
/** Binds the engine to this runtime on first use: importing the entry builds nothing. */
const runtime = (): BoundUpload => (bound ??= bindUpload({
  createHasher: () => createNodeHasher(),
  createCheckpointStore: () => createDirectoryCheckpointStore(),
  // Node's fetch sends a stream with its Content-Length: the stall watch then sees bytes going out.
  clientDefaults: { streamPartBodies: true },
}));

/**
 * Uploads a Blob or File (e.g. from {@link openFile}). `options` needs `endpoint` and
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
 * `options.signal` to follow and stop it, or `upload(await openFile(path), options)` for a handle
 * with pause/resume.
 *
 * @example
 * const { fileId, url } = await uploadFile('clip.mp4', { endpoint, secretId, secretKey });
 */
export async function uploadFile(path: string, options: EasyUploadOptions): Promise<UploadResult> {
  return upload(await openFile(path), options).done;
}
