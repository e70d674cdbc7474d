/**
 * The generated WebAssembly SHA-1 and MD5 (src/hasher/engines/sha1-md5-wasm.ts, wasm-hash.ts):
 * the same digests as node:crypto at every length around the padding's edges and across the
 * glue's 64 KiB calls, fed in pieces of uneven sizes, and again after each digest (one instance
 * serves every part). The SHA-1 with its schedule on SIMD (sha1-simd-wasm.ts, the one loaded
 * here) compresses like the scalar one, which serves where SIMD does not validate.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HASH_BLOCKS_PER_CALL, HASH_DATA_AT, sha1Module } from '../src/hasher/engines/sha1-md5-wasm.js';
import { sha1SimdModule } from '../src/hasher/engines/sha1-simd-wasm.js';
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

describe('SHA-1 modules', () => {
  /** Runs a module's compression over `blocks` from the initial state; returns the state's bytes. */
  async function compress(module: Uint8Array<ArrayBuffer>, blocks: Uint8Array): Promise<string> {
    const { exports } = await WebAssembly.instantiate(await WebAssembly.compile(module));
    const memory = new Uint8Array((exports.m as WebAssembly.Memory).buffer);
    const words = new DataView(memory.buffer);
    for (const [index, word] of [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0].entries())
      words.setUint32(4 * index, word, true);
    for (let at = 0; at < blocks.byteLength; at += HASH_BLOCKS_PER_CALL * 64) {
      const call = blocks.subarray(at, at + HASH_BLOCKS_PER_CALL * 64);
      memory.set(call, HASH_DATA_AT);
      (exports.f as (at: number, count: number) => void)(HASH_DATA_AT, call.byteLength / 64);
    }
    return Buffer.from(memory.subarray(0, 20)).toString('hex');
  }

  it('the SIMD schedule (taken where SIMD validates, as here) and the scalar one compress every block alike', async () => {
    expect(WebAssembly.validate(sha1SimdModule())).toBe(true);
    for (const blocks of [1, 3, 1024, 2500]) {
      const bytes = randomBytes(blocks * 64);
      expect(await compress(sha1SimdModule(), bytes), `${blocks} blocks`).toBe(await compress(sha1Module(), bytes));
    }
  });
});
