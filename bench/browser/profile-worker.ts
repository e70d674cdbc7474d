/**
 * Where the hasher worker's time goes (bench/browser.ts prints it): the same loop as hash-blob.ts,
 * read into one reused buffer of `chunk` bytes, with performance.now() around each step: waiting
 * for the read, the SHA-1 update, the part MD5 update. `skip` leaves one side out.
 */
import { wasmEngine } from '../../src/hasher/engines/wasm.js';
import { partMd5Sink } from '../../src/hasher/part-md5s.js';

export interface ProfileRequest {
  blob: Blob;
  chunk: number;
  partSize: number;
  skip?: 'sha1' | 'md5' | 'both' | undefined;
}
export interface ProfileSplit {
  bytes: number;
  totalMs: number;
  readMs: number;
  sha1Ms: number;
  md5Ms: number;
  reads: number;
}

const scope = globalThis as unknown as {
  postMessage(message: ProfileSplit): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ProfileRequest>) => void): void;
};

scope.addEventListener('message', async (event) => {
  const { blob, chunk, partSize, skip } = event.data;
  const engine = await wasmEngine.load();
  const sha1 = engine.sha1();
  const md5 = partMd5Sink(engine, partSize, blob.size);
  const split: ProfileSplit = { bytes: 0, totalMs: 0, readMs: 0, sha1Ms: 0, md5Ms: 0, reads: 0 };
  // WebKit's Blob stream is not a byte stream: there the stream's own chunks are timed.
  let byob: ReadableStreamBYOBReader | undefined;
  try {
    byob = blob.stream().getReader({ mode: 'byob' });
  } catch {
    byob = undefined;
  }
  const plain = byob ? undefined : blob.stream().getReader();
  let buffer = new ArrayBuffer(chunk);
  let partFill = 0;
  const started = performance.now();
  for (;;) {
    const t0 = performance.now();
    const { done, value } = byob ? await byob.read(new Uint8Array(buffer, 0, chunk)) : await plain!.read();
    const t1 = performance.now();
    split.readMs += t1 - t0;
    if (done || !value) break;
    if (byob) buffer = value.buffer as ArrayBuffer;
    split.reads++;
    split.bytes += value.byteLength;
    if (skip !== 'sha1' && skip !== 'both') sha1.update(value);
    const t2 = performance.now();
    split.sha1Ms += t2 - t1;
    if (skip !== 'md5' && skip !== 'both') {
      for (let pos = 0; pos < value.byteLength; ) {
        const take = Math.min(value.byteLength - pos, partSize - partFill);
        md5.update(value.subarray(pos, pos + take));
        pos += take;
        partFill += take;
        if (partFill === partSize) {
          md5.endPart();
          partFill = 0;
        }
      }
    }
    split.md5Ms += performance.now() - t2;
  }
  if (skip !== 'sha1' && skip !== 'both') sha1.digest();
  if (skip !== 'md5' && skip !== 'both') md5.finish();
  split.totalMs = performance.now() - started;
  scope.postMessage(split);
});
