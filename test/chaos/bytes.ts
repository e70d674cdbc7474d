/**
 * What one chaos run uploads, derived from its seed alone (so the browser page and Node agree
 * byte for byte): the file's bytes, its size and the upload's concurrency.
 */

/** xorshift32: fast, seedable, good enough to make bytes no two runs share. */
function xorshift(seed: number): () => number {
  let state = (seed ^ 0x9e3779b9) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

export interface RunShape {
  /** Bytes of the file: 1 to about 6 parts of 512 KiB. */
  size: number;
  /** Parts in flight at once, 1 to 4. */
  concurrency: number;
}

const KiB = 1024;

export function runShape(seed: number): RunShape {
  const next = xorshift(seed * 7919 + 1);
  next();
  return { size: 64 * KiB + (next() % (3 * 1024 * KiB)), concurrency: 1 + (next() % 4) };
}

/** The run's file content: `size` bytes from the seed. */
export function seededBytes(seed: number, size: number): Uint8Array<ArrayBuffer> {
  const next = xorshift(seed + 0x5eed);
  const words = new Uint32Array(Math.ceil(size / 4));
  for (let i = 0; i < words.length; i++) words[i] = next();
  return new Uint8Array(words.buffer, 0, size);
}
