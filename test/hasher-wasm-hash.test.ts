/**
 * The generated WebAssembly SHA-1 and MD5 (src/hasher/engines/sha1-md5-wasm.ts, wasm-hash.ts):
 * the same digests as node:crypto at every length around the padding's edges and across the
 * glue's 64 KiB calls, fed in pieces of uneven sizes, and again after each digest (one instance
 * serves every part).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadWasmHash } from '../src/hasher/engines/wasm-hash.js';
import { randomBytes } from './hasher-helpers.js';

const SIZES = [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 65535, 65536, 65537, 200_003, 3 * 1048576 + 7];

describe.each(['sha1', 'md5'] as const)('%s in WebAssembly', (name) => {
  it('digests like node:crypto, fed in growing uneven pieces, one instance for every message', async () => {
    const hash = await loadWasmHash(name);
    for (const size of SIZES) {
      const bytes = randomBytes(size);
      for (let at = 0, step = 1; at < size; at += step, step = step * 3 + 1) hash.update(bytes.subarray(at, Math.min(size, at + step)));
      expect(hash.digest(), `${size} bytes`).toBe(createHash(name).update(bytes).digest('hex'));
    }
  });

  it('digests a whole 1 MiB view at once (the worker hands slices of its read buffer)', async () => {
    const hash = await loadWasmHash(name);
    const bytes = randomBytes(1048576 + 64);
    hash.update(bytes.subarray(64));
    expect(hash.digest()).toBe(createHash(name).update(bytes.subarray(64)).digest('hex'));
  });
});
