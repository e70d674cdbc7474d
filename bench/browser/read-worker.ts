/**
 * The read ceiling: a module worker that only reads a File through `blob.stream()`, touching no
 * byte, and answers with the time it took. By default what the hasher's worker does, minus the
 * hashing: the same reader (into one reused buffer where the stream is a byte stream, see
 * chunk-reader.ts). `plain`: the stream's own chunks, as `getReader()` hands them out. (`slices`:
 * reads by `slice().arrayBuffer()` with one slice read ahead, for comparison.)
 */
import { chunkReader } from '../../src/hasher/chunk-reader.js';

const scope = globalThis as unknown as {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<{ blob: Blob; slices?: number; plain?: boolean }>) => void): void;
};

scope.addEventListener('message', async (event) => {
  const { blob, slices, plain } = event.data;
  const started = performance.now();
  let bytes = 0;
  if (slices) {
    let next: Promise<ArrayBuffer> | undefined = blob.slice(0, slices).arrayBuffer();
    for (let offset = 0; next; ) {
      const current: Promise<ArrayBuffer> = next;
      offset += slices;
      next = offset < blob.size ? blob.slice(offset, offset + slices).arrayBuffer() : undefined;
      bytes += (await current).byteLength;
    }
  } else if (plain) {
    const reader = blob.stream().getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) bytes += next.value.byteLength;
  } else {
    const reader = chunkReader(blob.stream());
    for (let value = await reader.read(); value; value = await reader.read()) bytes += value.byteLength;
  }
  scope.postMessage({ bytes, ms: performance.now() - started });
});
