/**
 * Incremental SHA-1 and MD5 over the modules of sha1-md5-wasm.ts: blocks are copied into the
 * instance's memory and compressed there; the last block's padding and the digest are done here.
 */
import type { IncrementalHash } from '../types.js';
import { HASH_BLOCKS_PER_CALL, HASH_DATA_AT, md5Module, sha1Module } from './sha1-md5-wasm.js';
import { sha1SimdModule } from './sha1-simd-wasm.js';

type Compress = (at: number, blocks: number) => void;

interface Algorithm {
  module: () => Uint8Array<ArrayBuffer>;
  /** A faster module using SIMD, taken where it validates. */
  simdModule?: (() => Uint8Array<ArrayBuffer>) | undefined;
  initial: readonly number[];
  /** SHA-1 writes the length and reads the state big-endian, MD5 little-endian. */
  bigEndian: boolean;
}

const ALGORITHMS = {
  sha1: {
    module: sha1Module,
    simdModule: sha1SimdModule,
    initial: [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0],
    bigEndian: true,
  },
  md5: { module: md5Module, initial: [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476], bigEndian: false },
} satisfies Record<string, Algorithm>;

export type WasmHashName = keyof typeof ALGORITHMS;

const compiled = new Map<WasmHashName, Promise<WebAssembly.Module>>();
const CALL_BYTES = HASH_BLOCKS_PER_CALL * 64;

/**
 * A fresh incremental hash on its own instance (the module is compiled once per realm). Rejects
 * where WebAssembly may not be compiled, e.g. under a Content-Security-Policy without
 * `wasm-unsafe-eval`.
 */
export async function loadWasmHash(name: WasmHashName): Promise<IncrementalHash> {
  const algorithm: Algorithm = ALGORITHMS[name];
  let module = compiled.get(name);
  if (!module) {
    const simd = algorithm.simdModule?.();
    module = WebAssembly.compile(simd && WebAssembly.validate(simd) ? simd : algorithm.module());
    compiled.set(name, module);
    module.catch(() => compiled.delete(name));
  }
  const instance = await WebAssembly.instantiate(await module);
  const compress = instance.exports.f as Compress;
  const { buffer } = instance.exports.m as WebAssembly.Memory;
  const bytes = new Uint8Array(buffer);
  const words = new DataView(buffer);
  const { initial, bigEndian } = algorithm;
  let fill = 0;
  let total = 0;
  const reset = (): void => {
    for (let index = 0; index < initial.length; index++) words.setUint32(4 * index, initial[index]!, true);
    fill = 0;
    total = 0;
  };
  reset();
  return {
    update(input) {
      total += input.byteLength;
      let pos = 0;
      while (pos < input.byteLength) {
        const take = Math.min(input.byteLength - pos, CALL_BYTES - fill);
        bytes.set(input.subarray(pos, pos + take), HASH_DATA_AT + fill);
        pos += take;
        fill += take;
        const whole = fill >> 6;
        if (fill === CALL_BYTES || (pos === input.byteLength && whole > 0)) {
          compress(HASH_DATA_AT, whole);
          // Keep the partial block's bytes for the next update.
          bytes.copyWithin(HASH_DATA_AT, HASH_DATA_AT + whole * 64, HASH_DATA_AT + fill);
          fill -= whole * 64;
        }
      }
    },
    digest() {
      // 0x80, zeros to 56 mod 64, then the length in bits as 64 bits.
      bytes[HASH_DATA_AT + fill] = 0x80;
      const blocks = fill < 56 ? 1 : 2;
      bytes.fill(0, HASH_DATA_AT + fill + 1, HASH_DATA_AT + blocks * 64);
      const end = HASH_DATA_AT + blocks * 64;
      const high = Math.floor(total / 2 ** 29);
      const low = (total * 8) >>> 0;
      words.setUint32(end - (bigEndian ? 8 : 4), high, !bigEndian);
      words.setUint32(end - (bigEndian ? 4 : 8), low, !bigEndian);
      compress(HASH_DATA_AT, blocks);
      let hex = '';
      for (let index = 0; index < initial.length; index++) {
        // SHA-1's digest is each word big-endian; MD5's is the state's bytes as they lie in memory.
        hex += words
          .getUint32(4 * index, bigEndian)
          .toString(16)
          .padStart(8, '0');
      }
      reset();
      return hex;
    },
  };
}
