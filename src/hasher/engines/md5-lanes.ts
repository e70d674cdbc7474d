/**
 * Part MD5s four at a time on WebAssembly SIMD (the module comes from md5-lanes-wasm.ts). MD5's
 * steps depend on each other, so one MD5 leaves a core mostly idle; four parts side by side cost
 * little more than one (about 1.8× the MD5 throughput per CPU second of the scalar one, sha1-md5-wasm.ts).
 */
import type { PartMd5Batch } from '../types.js';
import { md5LanesModule, MD5_LANES_FREE_AT, MD5_LANES_PAGES } from './md5-lanes-wasm.js';

const LANES = 4;
/** Where the lanes' bytes start in the module's memory (below: the state and scratch space). */
const LANES_AT = MD5_LANES_FREE_AT;
/** Blocks hashed per call: short calls let the engine switch to optimised code early. */
const BLOCKS_PER_CALL = 1024;
const INITIAL_STATE = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];

type LanesFunction = (p0: number, p1: number, p2: number, p3: number, blocks: number) => void;

let compiled: Promise<WebAssembly.Module | undefined> | undefined;

/** The module compiled once per realm; `undefined` where SIMD (or compiling WebAssembly) is unavailable. */
function compileOnce(): Promise<WebAssembly.Module | undefined> {
  compiled ??= (async () => {
    try {
      const bytes = md5LanesModule();
      return WebAssembly.validate(bytes) ? await WebAssembly.compile(bytes) : undefined;
    } catch {
      return undefined; // e.g. a CSP or a runtime that forbids compiling: the scalar MD5 serves
    }
  })();
  return compiled;
}

/**
 * A factory of batches for one job (one instance and its memory), or `undefined` where the
 * module cannot run. Part sizes up to 1 MiB fit, in multiples of 64 bytes.
 */
export async function loadMd5Lanes(): Promise<((partSize: number) => PartMd5Batch | undefined) | undefined> {
  const module = await compileOnce();
  if (!module) return undefined;
  let instance: WebAssembly.Instance;
  try {
    instance = await WebAssembly.instantiate(module);
  } catch {
    return undefined;
  }
  const run = instance.exports.f as LanesFunction;
  const memory = instance.exports.m as WebAssembly.Memory;
  return (partSize) => {
    // Each lane is followed by one block for MD5's padding.
    const stride = partSize + 64;
    if (partSize <= 0 || partSize % 64 !== 0 || LANES_AT + LANES * stride > MD5_LANES_PAGES * 65536) return undefined;
    const bytes = new Uint8Array(memory.buffer);
    const words = new DataView(memory.buffer);
    const lanes = Array.from({ length: LANES }, (_, index) =>
      bytes.subarray(LANES_AT + index * stride, LANES_AT + index * stride + partSize),
    );
    for (let index = 0; index < LANES; index++) {
      // The padding block is the same for every lane: 0x80, zeros, the length in bits (64-bit LE).
      const padding = LANES_AT + index * stride + partSize;
      bytes[padding] = 0x80;
      words.setUint32(padding + 56, (partSize * 8) >>> 0, true);
      words.setUint32(padding + 60, Math.floor((partSize * 8) / 2 ** 32), true);
    }
    return {
      lanes: LANES,
      lane: (index) => lanes[index]!,
      digest() {
        for (let word = 0; word < 4; word++)
          for (let lane = 0; lane < LANES; lane++) words.setUint32(16 * word + 4 * lane, INITIAL_STATE[word]!, true);
        const at = (lane: number, block: number): number => LANES_AT + lane * stride + block * 64;
        for (let block = 0, total = stride / 64; block < total; block += BLOCKS_PER_CALL) {
          run(at(0, block), at(1, block), at(2, block), at(3, block), Math.min(BLOCKS_PER_CALL, total - block));
        }
        // Lane j's digest: bytes 4j to 4j+3 of each of the four state vectors A, B, C, D.
        return lanes.map((_, lane) => {
          let hex = '';
          for (let word = 0; word < 4; word++)
            for (let byte = 0; byte < 4; byte++) hex += (bytes[16 * word + 4 * lane + byte]! | 256).toString(16).slice(1);
          return hex;
        });
      },
    };
  };
}
