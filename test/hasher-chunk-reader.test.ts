/**
 * The hasher's stream reader (src/hasher/chunk-reader.ts): a byte stream is read into the
 * reader's own buffer (BYOB), every other stream chunk by chunk, and both give every byte once.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, chunkReader, type ChunkReaderOptions } from '../src/hasher/chunk-reader.js';
import { randomBytes } from './hasher-helpers.js';

/** A byte stream over `bytes` that counts the reads served into the reader's buffer. */
function byteStream(bytes: Uint8Array): { stream: ReadableStream<Uint8Array>; byobReads: () => number; viewSizes: number[] } {
  let at = 0;
  let byobReads = 0;
  const viewSizes: number[] = [];
  const stream = new ReadableStream({
    type: 'bytes',
    pull(controller) {
      const request = controller.byobRequest;
      if (at >= bytes.byteLength) {
        controller.close();
        request?.respond(0);
        return;
      }
      if (!request?.view) {
        controller.enqueue(bytes.slice(at, at + 65536));
        at += 65536;
        return;
      }
      byobReads++;
      viewSizes.push(request.view.byteLength);
      const take = Math.min(request.view.byteLength, 300_001, bytes.byteLength - at);
      new Uint8Array(request.view.buffer, request.view.byteOffset, take).set(bytes.subarray(at, at + take));
      at += take;
      request.respond(take);
    },
  });
  return { stream, byobReads: () => byobReads, viewSizes };
}

const sha1 = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex');

/** SHA-1 and length of what the reader hands out (comparing MiBs element-wise is slow). */
async function readAll(stream: ReadableStream<Uint8Array>, options: ChunkReaderOptions = {}, sizes: number[] = []): Promise<string> {
  const reader = chunkReader(stream, options);
  const chunks: Uint8Array[] = [];
  for (let chunk = await reader.read(); chunk; chunk = await reader.read()) {
    chunks.push(chunk.slice());
    sizes.push(chunk.byteLength);
  }
  reader.releaseLock();
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  chunks.reduce((offset, chunk) => (out.set(chunk, offset), offset + chunk.byteLength), 0);
  return `${out.byteLength} ${sha1(out)}`;
}

describe('chunkReader', () => {
  it('reads a byte stream into its own buffer of CHUNK_BYTES, every byte once', async () => {
    const bytes = randomBytes(5 * 1048576 + 17);
    const source = byteStream(bytes);
    expect(await readAll(source.stream)).toBe(`${bytes.byteLength} ${sha1(bytes)}`);
    expect(source.byobReads()).toBeGreaterThanOrEqual(Math.ceil(bytes.byteLength / 300_001));
    expect(new Set(source.viewSizes)).toEqual(new Set([CHUNK_BYTES]));
  });

  it('fill: hands out whole buffers of CHUNK_BYTES (the last one short) from smaller reads, into buffers handed back', async () => {
    const bytes = randomBytes(5 * 1048576 + 17);
    const source = byteStream(bytes);
    const sizes: number[] = [];
    let asked = 0;
    const nextBuffer = (): ArrayBuffer => (asked++, new ArrayBuffer(CHUNK_BYTES));
    expect(await readAll(source.stream, { fill: true, nextBuffer }, sizes)).toBe(`${bytes.byteLength} ${sha1(bytes)}`);
    expect(sizes).toEqual([CHUNK_BYTES, CHUNK_BYTES, bytes.byteLength - 2 * CHUNK_BYTES]);
    expect(source.byobReads()).toBeGreaterThanOrEqual(Math.ceil(bytes.byteLength / 300_001));
    expect(asked).toBe(0); // the caller kept every buffer: the reader reused its own
  });

  it("reads a Blob's stream (a byte stream here) into its own buffer", async () => {
    const bytes = randomBytes(3 * 1048576 + 5);
    const reader = chunkReader(new Blob([bytes]).stream());
    const first = await reader.read();
    expect(first?.buffer.byteLength).toBe(CHUNK_BYTES);
    await reader.cancel();
  });

  it('reads a stream that is not a byte stream chunk by chunk', async () => {
    const bytes = randomBytes(1048576 + 3);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.byteLength; at += 100_000) controller.enqueue(bytes.slice(at, at + 100_000));
        controller.close();
      },
    });
    expect(await readAll(stream)).toBe(`${bytes.byteLength} ${sha1(bytes)}`);
  });

  it('cancel ends a pending read of a byte stream', async () => {
    const stream = new ReadableStream({ type: 'bytes', pull: () => new Promise<void>(() => undefined) });
    const reader = chunkReader(stream);
    const pending = reader.read();
    await reader.cancel(new Error('stop'));
    await expect(pending).resolves.toBeUndefined();
  });
});
