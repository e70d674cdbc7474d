/**
 * An R2 object as an upload source read by range: the hasher streams it once, each part is one
 * ranged GET when it is sent. Nothing is buffered beyond the parts in flight, so objects of any
 * size upload from a Worker. Every read is pinned to the object's ETag: if it is replaced
 * mid-upload the read fails instead of mixing two files.
 */
import type { FileSource } from '../../core/source.js';
import { VodArgumentError } from '../../protocol/errors.js';

interface R2Range {
  offset: number;
  length?: number;
}

/** The part of an R2 bucket binding used here. */
export interface R2BucketLike {
  /** The object's metadata, or `null` when missing. */
  head(key: string): Promise<{ key: string; size: number; etag: string; uploaded: Date } | null>;
  /** The object's body (or a byte range of it) while its ETag still matches, or `null`. */
  get(
    key: string,
    options?: { range?: R2Range; onlyIf?: { etagMatches?: string } },
  ): Promise<{ body?: ReadableStream<Uint8Array>; arrayBuffer?(): Promise<ArrayBuffer> } | null>;
}

async function read(bucket: R2BucketLike, key: string, etag: string, range?: R2Range): Promise<ReadableStream<Uint8Array>> {
  const object = await bucket.get(key, { ...(range ? { range } : {}), onlyIf: { etagMatches: etag } });
  // A failed precondition yields the object's metadata without a body.
  if (!object?.body) throw new Error(`R2 object ${key} changed or vanished during the upload (ETag ${etag})`);
  return object.body;
}

/**
 * Opens `key` in `bucket` as a {@link FileSource}: `upload(await r2Source(env.BUCKET, key), options)`.
 * Its name is the key (so the extension gives the file type) and its time the object's upload time.
 */
export async function r2Source(bucket: R2BucketLike, key: string): Promise<FileSource> {
  if (!bucket || typeof bucket.head !== 'function' || typeof bucket.get !== 'function') {
    throw new VodArgumentError('bucket', 'an R2 bucket binding (with head and get)', bucket);
  }
  if (typeof key !== 'string' || key === '') throw new VodArgumentError('key', 'an object key', key);
  const head = await bucket.head(key);
  if (!head) throw new VodArgumentError('key', 'the key of an existing R2 object', key);
  const { size, etag } = head;
  return {
    size,
    name: key,
    lastModified: head.uploaded.getTime(),
    async slice(start, end) {
      const body = await read(bucket, key, etag, { offset: start, length: end - start });
      return new Response(body).blob();
    },
    stream() {
      // Opened on the first pull, so making the source costs no request.
      let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          reader ??= (await read(bucket, key, etag)).getReader();
          const { done, value } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        },
        cancel: (reason) => reader?.cancel(reason),
      });
    },
  };
}
