/**
 * The bytes of a small WebAssembly module that computes four MD5s at once, one per 32-bit lane of
 * SIMD vectors (WebAssembly's fixed-width SIMD, in every current engine). MD5 is a chain of
 * dependent steps, so one MD5 leaves most of a core idle; four independent parts hashed side by
 * side cost little more than one. No library does this; the module is generated here rather than
 * shipped as a binary, so that it can be read (and it is small).
 *
 * Export `f(p0, p1, p2, p3, blocks)` hashes `blocks` 64-byte blocks from each of the addresses
 * p0..p3 into the state at address 0: four vectors A, B, C, D, lane j belonging to pj. Export `m`
 * is the memory ({@link MD5_LANES_PAGES} pages of 64 KiB): the state (bytes 0-63), the block's
 * message words gathered across lanes (64-319), the step constants (320-1343), then the caller's.
 */

import { md5Shift, md5StepConstant, md5WordOf } from './sha1-md5-wasm.js';
import {
  blockLoop,
  get,
  I32X4_ADD,
  I32X4_REPLACE_LANE,
  I32X4_SHL,
  I32X4_SHR_U,
  I32X4_SPLAT,
  i32Const,
  i32Load,
  set,
  tee,
  V128,
  V128_AND,
  V128_NOT,
  V128_OR,
  V128_XOR,
  v128Load,
  v128Store,
  wasmModule,
} from './wasm-encode.js';

/** Pages of 64 KiB in the module's memory: room for the state and four 1 MiB parts plus padding. */
export const MD5_LANES_PAGES = 70;
/** The first byte of memory free for the caller. */
export const MD5_LANES_FREE_AT = 65536;
const WORDS_AT = 64;
const CONSTANTS_AT = WORDS_AT + 256;

const [splat, replaceLane, not, and, or, xor] = [I32X4_SPLAT, I32X4_REPLACE_LANE, V128_NOT, V128_AND, V128_OR, V128_XOR];
const [shl, shrU, add] = [I32X4_SHL, I32X4_SHR_U, I32X4_ADD];
const ZERO = i32Const(0);

/** The 64 step constants, each repeated in four lanes, little-endian. */
function constantBytes(): number[] {
  const out: number[] = [];
  for (let i = 0; i < 64; i++) {
    const value = md5StepConstant(i);
    for (let lane = 0; lane < 4; lane++) out.push(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24);
  }
  return out;
}

/** The module's bytes. */
export function md5LanesModule(): Uint8Array<ArrayBuffer> {
  // Locals: params p0..p3 (0-3) and blocks (4); v128 A B C D (5-8), their values before the
  // block (9-12), a temporary (13). The message words wait in memory, not in locals: with few
  // vector locals they all stay in registers (x64 has 16).
  const [A, SAVED, TMP] = [5, 9, 13];
  const code: number[] = [];
  const emit = (...parts: number[][]): void => {
    for (const part of parts) code.push(...part);
  };
  for (let r = 0; r < 4; r++) emit(ZERO, v128Load(16 * r), set(A + r));
  const block: number[] = [];
  const emitBlock = (...parts: number[][]): void => {
    for (const part of parts) block.push(...part);
  };
  for (let word = 0; word < 16; word++) {
    emitBlock(ZERO, get(0), i32Load(4 * word), splat);
    for (let lane = 1; lane < 4; lane++) emitBlock(get(lane), i32Load(4 * word), replaceLane(lane));
    emitBlock(v128Store(WORDS_AT + 16 * word));
  }
  for (let r = 0; r < 4; r++) emitBlock(get(A + r), set(SAVED + r));
  for (let i = 0; i < 64; i++) {
    // Each step updates one of A..D; the roles a, b, c, d rotate instead of the values.
    const role = (k: number): number => A + ((k - i) & 3);
    const [a, b, c, d] = [role(0), role(1), role(2), role(3)];
    const round = i >> 4;
    const mix: number[] =
      round === 0
        ? [...get(d), ...get(b), ...get(c), ...get(d), ...xor, ...and, ...xor] // d ^ (b & (c ^ d)) = (b & c) | (~b & d)
        : round === 1
          ? [...get(c), ...get(d), ...get(b), ...get(c), ...xor, ...and, ...xor] // c ^ (d & (b ^ c)) = (b & d) | (c & ~d)
          : round === 2
            ? [...get(b), ...get(c), ...xor, ...get(d), ...xor]
            : [...get(c), ...get(b), ...get(d), ...not, ...or, ...xor]; // c ^ (b | ~d)
    const shift = md5Shift(i);
    // a + word + constant first: only the mix waits for the step before.
    emitBlock(
      get(b),
      ZERO,
      v128Load(WORDS_AT + 16 * md5WordOf(i)),
      ZERO,
      v128Load(CONSTANTS_AT + 16 * i),
      add,
      get(a),
      add,
      mix,
      add,
      tee(TMP),
    );
    emitBlock(i32Const(shift), shl, get(TMP), i32Const(32 - shift), shrU, or, add, set(a));
  }
  for (let r = 0; r < 4; r++) emitBlock(get(A + r), get(SAVED + r), add, set(A + r));
  emit(blockLoop(4, [0, 1, 2, 3], block));
  for (let r = 0; r < 4; r++) emit(ZERO, get(A + r), v128Store(16 * r));
  return wasmModule({
    params: 5,
    locals: [[9, V128]],
    code,
    pages: MD5_LANES_PAGES,
    data: { at: CONSTANTS_AT, bytes: constantBytes() },
  });
}
