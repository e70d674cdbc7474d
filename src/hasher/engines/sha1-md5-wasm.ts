/**
 * The bytes of two small WebAssembly modules (no SIMD): SHA-1 (FIPS 180-4) and MD5 (RFC 1321),
 * each a function `f(at, blocks)` that runs the compression function over `blocks` 64-byte
 * blocks from address `at` into the state at address 0, fully unrolled, the working variables in
 * locals. Padding and the digest are the glue's (wasm-hash.ts). Written out here instead of taken
 * from hash-wasm: the same speed per CPU second, and the hasher worker ships ~1 KB gz of
 * generator instead of ~8 KB of base64 modules and general loader (issue 11's worker budget).
 */
import {
  blockLoop,
  get,
  I32,
  I32_ADD,
  I32_AND,
  I32_OR,
  I32_ROTL,
  I32_ROTR,
  I32_XOR,
  i32Const,
  i32Load,
  i32Store,
  set,
  wasmModule,
} from './wasm-encode.js';

/** Where the glue writes blocks: after the state (room for 1024 blocks plus two of padding). */
export const HASH_DATA_AT = 64;
/** Blocks the glue hands over per call. */
export const HASH_BLOCKS_PER_CALL = 1024;
const PAGES = 2;

const AT = 0;
const BLOCKS = 1;
/** Emits the state's `count` words into locals from `first`, and back. */
const loadState = (first: number, count: number): number[] =>
  Array.from({ length: count }, (_, r) => [...i32Const(0), ...i32Load(4 * r), ...set(first + r)]).flat();
const storeState = (first: number, count: number): number[] =>
  Array.from({ length: count }, (_, r) => [...i32Const(0), ...get(first + r), ...i32Store(4 * r)]).flat();
/** Each working variable plus its value before the block. */
const addSaved = (first: number, saved: number, count: number): number[] =>
  Array.from({ length: count }, (_, r) => [...get(first + r), ...get(saved + r), ...I32_ADD, ...set(first + r)]).flat();
const save = (first: number, saved: number, count: number): number[] =>
  Array.from({ length: count }, (_, r) => [...get(first + r), ...set(saved + r)]).flat();

/** SHA-1's round constants, one per 20 rounds. */
export const SHA1_K = [0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6];

/**
 * SHA-1's 80 rounds over the working variables in locals `first`..`first + 4`. `word(t)` pushes
 * W[t] + K; `before(t)` is emitted ahead of round t (the schedule's work).
 */
export function sha1Rounds(first: number, word: (t: number) => number[], before: (t: number) => number[]): number[] {
  const out: number[] = [];
  const emit = (...parts: number[][]): void => {
    for (const part of parts) out.push(...part);
  };
  for (let t = 0; t < 80; t++) {
    // The roles a..e rotate through the locals instead of the values moving.
    const role = (k: number): number => first + ((((k - t) % 5) + 5) % 5);
    const [a, b, c, d, e] = [role(0), role(1), role(2), role(3), role(4)];
    const round = Math.floor(t / 20);
    const mix =
      round === 0
        ? [...get(d), ...get(b), ...get(c), ...get(d), ...I32_XOR, ...I32_AND, ...I32_XOR] // choose: d ^ (b & (c ^ d))
        : round === 2
          ? [...get(b), ...get(c), ...I32_AND, ...get(d), ...get(b), ...get(c), ...I32_OR, ...I32_AND, ...I32_OR] // majority
          : [...get(b), ...get(c), ...I32_XOR, ...get(d), ...I32_XOR]; // parity
    // e + (K + w) first: only the mix and rotl(a, 5) wait for the step before.
    emit(before(t), get(e), word(t), I32_ADD, mix, I32_ADD, get(a), i32Const(5), I32_ROTL, I32_ADD, set(e));
    emit(get(b), i32Const(30), I32_ROTL, set(b));
  }
  return out;
}

/** SHA-1's module. Locals: at, blocks; a..e (2-6); saved (7-11); the message schedule's 16 words (12-27). */
export function sha1Module(): Uint8Array<ArrayBuffer> {
  const [A, SAVED, W] = [2, 7, 12];
  const block: number[] = [...save(A, SAVED, 5)];
  const emit = (...parts: number[][]): void => {
    for (const part of parts) block.push(...part);
  };
  // The words are big-endian: swap the bytes (WebAssembly has no bswap).
  for (let t = 0; t < 16; t++) {
    emit(get(AT), i32Load(4 * t), set(W + t));
    emit(get(W + t), i32Const(8), I32_ROTL, i32Const(0x00ff00ff), I32_AND);
    emit(get(W + t), i32Const(8), I32_ROTR, i32Const(0xff00ff00), I32_AND, I32_OR, set(W + t));
  }
  const schedule = (t: number): number[] =>
    t < 16
      ? []
      : [
          ...get(W + ((t - 3) % 16)),
          ...get(W + ((t - 8) % 16)),
          ...I32_XOR,
          ...get(W + ((t - 14) % 16)),
          ...I32_XOR,
          ...get(W + (t % 16)),
          ...I32_XOR,
          ...i32Const(1),
          ...I32_ROTL,
          ...set(W + (t % 16)),
        ];
  const word = (t: number): number[] => [...i32Const(SHA1_K[Math.floor(t / 20)]!), ...get(W + (t % 16)), ...I32_ADD];
  block.push(...sha1Rounds(A, word, schedule));
  block.push(...addSaved(A, SAVED, 5));
  const code = [...loadState(A, 5), ...blockLoop(BLOCKS, [AT], block), ...storeState(A, 5)];
  return wasmModule({ params: 2, locals: [[26, I32]], code, pages: PAGES });
}

const MD5_SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
/** RFC 1321's sine-derived step constants. */
export const md5StepConstant = (i: number): number => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0;
/** Which message word MD5's step i reads. */
export const md5WordOf = (i: number): number => [i, 5 * i + 1, 3 * i + 5, 7 * i][i >> 4]! % 16;
/** MD5's shift at step i. */
export const md5Shift = (i: number): number => MD5_SHIFTS[((i >> 4) << 2) | (i & 3)]!;

/** MD5's module. Locals: at, blocks; a..d (2-5); saved (6-9). Words are read from memory as needed. */
export function md5Module(): Uint8Array<ArrayBuffer> {
  const [A, SAVED] = [2, 6];
  const block: number[] = [...save(A, SAVED, 4)];
  const emit = (...parts: number[][]): void => {
    for (const part of parts) block.push(...part);
  };
  for (let i = 0; i < 64; i++) {
    const role = (k: number): number => A + ((k - i) & 3);
    const [a, b, c, d] = [role(0), role(1), role(2), role(3)];
    const round = i >> 4;
    const mix =
      round === 0
        ? [...get(d), ...get(b), ...get(c), ...get(d), ...I32_XOR, ...I32_AND, ...I32_XOR]
        : round === 1
          ? [...get(c), ...get(d), ...get(b), ...get(c), ...I32_XOR, ...I32_AND, ...I32_XOR]
          : round === 2
            ? [...get(b), ...get(c), ...I32_XOR, ...get(d), ...I32_XOR]
            : [...get(c), ...get(b), ...get(d), ...i32Const(-1), ...I32_XOR, ...I32_OR, ...I32_XOR];
    // a = b + rotl(a + word + constant + mix, shift)
    emit(get(a), get(AT), i32Load(4 * md5WordOf(i)), I32_ADD, i32Const(md5StepConstant(i)), I32_ADD, mix, I32_ADD);
    emit(i32Const(md5Shift(i)), I32_ROTL, get(b), I32_ADD, set(a));
  }
  block.push(...addSaved(A, SAVED, 4));
  const code = [...loadState(A, 4), ...blockLoop(BLOCKS, [AT], block), ...storeState(A, 4)];
  return wasmModule({ params: 2, locals: [[8, I32]], code, pages: PAGES });
}
