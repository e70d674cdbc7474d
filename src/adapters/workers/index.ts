/**
 * `vod-upload/workers`: the core wired for Cloudflare Workers (workerd). There is no Worker
 * constructor there, so files are hashed inline; workerd forbids compiling WebAssembly from bytes,
 * so the hasher goes straight to the pure-JS engine. R2 objects are read by range ({@link r2Source});
 * one-shot streams (request bodies) are read into memory first ({@link bufferSource}); checkpoints
 * can live in KV.
 */
import { bindUpload, type BoundUpload, type EasyUploadOptions, type EasyUploadQueueOptions } from '../../core/bind-upload.js';
import type { UploadQueue } from '../../core/queue.js';
import type { UploadSource } from '../../core/source.js';
import type { UploadHandle } from '../../core/upload.js';
import type { UploadResult } from '../../core/run-upload.js';
import { sparkEngine } from '../../hasher/engines/spark.js';
import { createInlineHasher } from '../../hasher/inline-hasher.js';
import { bufferSource, type BufferOptions, type StreamLike } from './stream-source.js';

export * from '../../api.js';
export { createKvCheckpointStore, type KvLike, type KvCheckpointStore, type KvCheckpointStoreOptions } from './kv-checkpoints.js';
export { bufferSource, DEFAULT_MAX_BUFFER_BYTES, type BufferOptions, type StreamLike } from './stream-source.js';
export { r2Source, type R2BucketLike } from './r2-source.js';

let bound: BoundUpload | undefined;
/** Binds the engine to this runtime on first use: importing the entry builds nothing. */
const runtime = (): BoundUpload => (bound ??= bindUpload({ createHasher: () => createInlineHasher({ engines: [sparkEngine] }) }));

/**
 * Uploads a Blob/File or a FileSource such as `await r2Source(env.BUCKET, key)`. Pass `checkpoints: createKvCheckpointStore(env.KV)` to resume across requests.
 * Use `secretId`/`secretKey` from Worker secrets, or a `signer`.
 */
export function upload(source: UploadSource, options: EasyUploadOptions): UploadHandle {
  return runtime().upload(source, options);
}

/** A queue uploading several Blobs with a shared concurrency bound. */
export function createUploadQueue<S extends UploadSource = Blob>(options: EasyUploadQueueOptions<S>): UploadQueue<S> {
  return runtime().createUploadQueue(options);
}

/**
 * Uploads a one-shot stream (a request body, a fetch Response) of at most `maxBytes`: the SHA-1 is
 * needed before the first part and parts are re-read on resume, so it is read into memory with
 * {@link bufferSource} first. For R2 objects prefer {@link r2Source}, which buffers nothing.
 *
 * @example
 * const result = await uploadStream(request, { name: 'clip.mp4', size: Number(request.headers.get('Content-Length')), secretId: env.SECRET_ID, secretKey: env.SECRET_KEY });
 */
export async function uploadStream(source: Blob | StreamLike, options: EasyUploadOptions & BufferOptions): Promise<UploadResult> {
  const { size, lastModified, type, maxBytes, ...rest } = options;
  const file = await bufferSource(source, { name: options.name ?? '', size, lastModified, type, maxBytes, signal: options.signal });
  return upload(file, { ...rest, lastModified: file.lastModified }).done;
}
