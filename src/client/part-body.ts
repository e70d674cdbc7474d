/**
 * A part's bytes as a stream that tells of each chunk as fetch takes it, so the stall watch sees
 * bytes going out. Pulled one chunk at a time (no read-ahead): fetch takes a chunk only when the
 * socket accepts more, so a peer that stops reading stops the chunks, and the watch fires.
 *
 * Only for fetch implementations that send a stream with the Content-Length they are given
 * (Node's undici); see `VodClientOptions.streamPartBodies`.
 */
import type { PartBody } from './client.js';

export interface WatchedBody {
  readonly stream: ReadableStream<Uint8Array>;
  /** Lets go of the file (the read is cancelled without waiting: a cancel may never settle). */
  release(): void;
}

/** Bytes per chunk of an in-memory body: a few chunks per part, each one socket write. */
const BYTES_CHUNK = 256 * 1024;

/** An in-memory body in chunks that are views of it (no Blob around it, no copy). */
function bytesReader(bytes: Uint8Array): ReadableStreamDefaultReader<Uint8Array> {
  let position = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (position >= bytes.byteLength) return controller.close();
        const end = Math.min(bytes.byteLength, position + BYTES_CHUNK);
        controller.enqueue(bytes.subarray(position, end));
        position = end;
      },
    },
    { highWaterMark: 0 },
  ).getReader();
}

export function watchedBody(body: PartBody, onChunk: () => void): WatchedBody {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let finished = false;
  const release = (reason?: unknown): void => {
    if (finished) return;
    finished = true;
    reader?.cancel(reason).catch(() => undefined);
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        reader ??= body instanceof Blob ? body.stream().getReader() : bytesReader(body);
        const { done, value } = await reader.read();
        if (done) {
          finished = true;
          controller.close();
          return;
        }
        onChunk();
        controller.enqueue(value);
      },
      cancel: release,
    },
    { highWaterMark: 0 },
  );
  return { stream, release: () => release() };
}
