/**
 * Reads a stream chunk by chunk. A byte stream (a Blob's, in browsers and most runtimes) is read
 * into one buffer, reused for every chunk: Chromium otherwise allocates a fresh buffer per chunk
 * of up to 2 MiB, and first touching its pages cost the hashing worker as much CPU as the hashing
 * itself (one page fault per 4 KiB; measured with `npm run bench -- browser`). Other streams are
 * read as they come.
 */

/** Bytes asked for per read of a byte stream (Chromium's pipe from a file holds 2 MiB). */
export const CHUNK_BYTES = 2 * 1048576;

/** A lock on a stream's reader. */
export interface ChunkReader {
  /** The next chunk, or `undefined` at the end. A chunk is valid until the next read. */
  read(): Promise<Uint8Array | undefined>;
  cancel(reason?: unknown): Promise<void>;
  releaseLock(): void;
}

/** How {@link chunkReader} reads a byte stream (the two-worker pipeline's sender sets both, see pipe.ts). */
export interface ChunkReaderOptions {
  /** A buffer to read into when the caller transferred the last chunk's away (default a new one). */
  nextBuffer?: (() => ArrayBuffer | undefined) | undefined;
  /**
   * Fill the buffer before handing it out, so that chunks are few and large: Firefox's reads
   * hand out about 60 KB each, and each chunk the pipeline forwards costs a message both ways.
   */
  fill?: boolean | undefined;
}

/**
 * Reads of a stream that is not a byte stream (WebKit's Blob stream, of about 512 KB chunks),
 * copied into full buffers of {@link CHUNK_BYTES}: the pipeline then forwards few chunks, and
 * reads into the buffers it gets back instead of holding a new one per chunk.
 */
function filledReads(reader: ReadableStreamDefaultReader<Uint8Array>, nextBuffer: ChunkReaderOptions['nextBuffer']): ChunkReader['read'] {
  let buffer = new ArrayBuffer(0);
  let rest: Uint8Array = new Uint8Array(0);
  let ended = false;
  return async () => {
    buffer = readBuffer(buffer, nextBuffer);
    const target = new Uint8Array(buffer, 0, CHUNK_BYTES);
    let filled = 0;
    while (filled < CHUNK_BYTES && (rest.byteLength || !ended)) {
      if (!rest.byteLength) {
        const { done, value } = await reader.read();
        ended = done;
        rest = value ?? rest;
        continue;
      }
      const taken = Math.min(rest.byteLength, CHUNK_BYTES - filled);
      target.set(rest.subarray(0, taken), filled);
      filled += taken;
      rest = rest.subarray(taken);
    }
    return filled ? target.subarray(0, filled) : undefined;
  };
}

/** `buffer` while it is whole, else one sent back (`nextBuffer`) or a new one. */
function readBuffer(buffer: ArrayBuffer, nextBuffer: ChunkReaderOptions['nextBuffer']): ArrayBuffer {
  if (buffer.byteLength >= CHUNK_BYTES) return buffer;
  const next = nextBuffer?.();
  return next && next.byteLength >= CHUNK_BYTES ? next : new ArrayBuffer(CHUNK_BYTES);
}

/** Locks `stream`: a reader of its own buffer where the stream is a byte stream, else the default reader. */
export function chunkReader(stream: ReadableStream<Uint8Array>, options: ChunkReaderOptions = {}): ChunkReader {
  const { nextBuffer, fill = false } = options;
  let byob: ReadableStreamBYOBReader | undefined;
  try {
    byob = stream.getReader({ mode: 'byob' });
  } catch {
    // Not a byte stream (a source of its own, e.g. the core's FileSource): read its chunks.
  }
  if (!byob) {
    const reader = stream.getReader();
    return {
      read: fill ? filledReads(reader, nextBuffer) : async () => (await reader.read()).value,
      cancel: (reason) => reader.cancel(reason),
      releaseLock: () => reader.releaseLock(),
    };
  }
  const reader = byob;
  let buffer = new ArrayBuffer(CHUNK_BYTES);
  return {
    async read() {
      buffer = readBuffer(buffer, nextBuffer);
      for (let filled = 0; ; ) {
        const { done, value } = await reader.read(new Uint8Array(buffer, filled, CHUNK_BYTES - filled));
        // The buffer was transferred to the stream and comes back in `value` (the same memory).
        if (value) buffer = value.buffer;
        if (done || !value) return filled > 0 ? new Uint8Array(buffer, 0, filled) : undefined;
        filled += value.byteLength;
        if (!fill || filled === CHUNK_BYTES) return new Uint8Array(buffer, 0, filled);
      }
    },
    cancel: (reason) => reader.cancel(reason),
    releaseLock: () => reader.releaseLock(),
  };
}
