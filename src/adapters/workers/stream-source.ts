/**
 * Streams as upload sources on Cloudflare Workers. The protocol needs the file's SHA-1 before the
 * first part (InitUpload), and parts are then read at any offset (resume sends only what is
 * missing), so a one-shot stream cannot be uploaded as it arrives: it is read once into a Blob,
 * bounded by `maxBytes` because an isolate has about 128 MB of memory.
 */
import { VodArgumentError, describe } from '../../protocol/errors.js';

/** Default bound for buffering a stream: 64 MiB leaves room for the rest of a 128 MB isolate. */
export const DEFAULT_MAX_BUFFER_BYTES = 64 * 1048576;

/** Something that yields the file's bytes once: a request body, an R2 object body, a fetch Response. */
export type StreamLike =
  | ReadableStream<Uint8Array>
  | { body: ReadableStream<Uint8Array> | null }
  | { stream(): ReadableStream<Uint8Array> };

/** How {@link bufferSource} (and `uploadStream`) read a stream into memory. */
export interface BufferOptions {
  /** The file's name with its extension, e.g. `clip.mp4` (or give `fileType` to `upload`). */
  name: string;
  /** Bytes expected, e.g. from Content-Length or an R2 object's `size`: checked, and a too large source fails before reading. */
  size?: number | undefined;
  /** e.g. an R2 object's `uploaded.getTime()`; with name and size it keys the checkpoint. Default 0. */
  lastModified?: number | undefined;
  /** MIME type of the File. */
  type?: string | undefined;
  /** Upper bound on the bytes held in memory. Default {@link DEFAULT_MAX_BUFFER_BYTES}. */
  maxBytes?: number | undefined;
  /** Stops reading. */
  signal?: AbortSignal | undefined;
}

function streamOf(source: StreamLike): ReadableStream<Uint8Array> {
  if (source instanceof ReadableStream) return source;
  if (source && typeof source === 'object') {
    if ('body' in source && source.body instanceof ReadableStream) return source.body;
    if ('stream' in source && typeof source.stream === 'function') return source.stream();
  }
  throw new VodArgumentError('source', 'a Blob, a ReadableStream, or an object with a body stream (Request, Response, R2 object)', source);
}

/**
 * Reads a stream into a File (Blobs pass through unchanged, renamed when `name` differs).
 * Throws {@link VodArgumentError} when the source exceeds `maxBytes` or differs from `size`.
 */
export async function bufferSource(source: Blob | StreamLike, options: BufferOptions): Promise<File> {
  const { name, size, lastModified = 0, type = '', signal } = options ?? {};
  const maxBytes = options?.maxBytes ?? DEFAULT_MAX_BUFFER_BYTES;
  if (typeof name !== 'string' || name === '')
    throw new VodArgumentError('name', 'the file name with its extension, like "clip.mp4"', name);
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new VodArgumentError('maxBytes', 'an integer ≥ 1', maxBytes);
  if (size !== undefined && (!Number.isSafeInteger(size) || size < 1)) throw new VodArgumentError('size', 'an integer ≥ 1', size);
  const tooLarge = (seen: string) =>
    new VodArgumentError(
      'source',
      `at most maxBytes (${maxBytes}) bytes: Workers hold a stream in memory to hash it before sending; raise maxBytes or upload from a server runtime`,
      seen,
    );
  if (size !== undefined && size > maxBytes) throw tooLarge(`${size} bytes`);
  if (source instanceof Blob) {
    if (size !== undefined && source.size !== size) throw new VodArgumentError('size', `the source's size (${source.size})`, size);
    return new File([source], name, { lastModified, type: type || source.type });
  }
  const reader = streamOf(source).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) throw tooLarge(`more than ${maxBytes} bytes`);
      if (size !== undefined && total > size) break;
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel(error).catch(() => undefined);
    throw error;
  } finally {
    reader.releaseLock();
  }
  if (size !== undefined && total !== size) {
    throw new VodArgumentError('size', `the number of bytes the stream yields (${describe(total)}${total > size ? '+' : ''})`, size);
  }
  // Stream chunks are ArrayBuffer-backed views (never shared memory), which is what BlobPart wants.
  return new File(chunks as Uint8Array<ArrayBuffer>[], name, { lastModified, type });
}
