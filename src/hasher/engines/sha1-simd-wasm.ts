/**
 * SHA-1's module with the message schedule on WebAssembly SIMD: the 80 words of a block are
 * computed four at a time (byte swap by one shuffle, W[t..t+3] from the words 3, 8, 14 and 16
 * back, lane 3 fixed up from lane 0) with the round constant added, and stored for the scalar
 * rounds to load. Same `f(at, blocks)` and memory layout as sha1Module (sha1-md5-wasm.ts), which
 * serves where SIMD does not validate.
 */
import { HASH_DATA_AT, HASH_BLOCKS_PER_CALL, SHA1_K, sha1Rounds } from './sha1-md5-wasm.js';
import {
  blockLoop,
  get,
  I32,
  I32_ADD,
  I32X4_ADD,
  I32X4_SHL,
  I32X4_SHR_U,
  I32X4_SPLAT,
  i32Const,
  i32Load,
  i32Store,
  set,
  V128,
  V128_OR,
  V128_XOR,
  V128_ZERO,
  v128Load,
  v128Shuffle,
  v128Store,
  wasmModule,
} from './wasm-encode.js';

const [shuffle, v128Zero, splat, or, xor, shl, shrU, add] = [
  v128Shuffle,
  V128_ZERO,
  I32X4_SPLAT,
  V128_OR,
  V128_XOR,
  I32X4_SHL,
  I32X4_SHR_U,
  I32X4_ADD,
];
const bytes = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);
const BSWAP = [3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12];
/** rotl(x, 1) of the vector on the stack (needs it in local `tmp`). */
const rotl1 = (tmp: number): number[] => [...set(tmp), ...get(tmp), ...i32Const(1), ...shl, ...get(tmp), ...i32Const(31), ...shrU, ...or];

/** Where the words plus constants of the current block are kept (below the data's end is taken). */
const SCHEDULE_AT = HASH_DATA_AT + (HASH_BLOCKS_PER_CALL + 2) * 64;
const PAGES = 2;

export function sha1SimdModule(): Uint8Array<ArrayBuffer> {
  // Locals: at 0, blocks 1; a..e 2-6; saved 7-11; then v128: the last four word groups 12-15, tmp 16.
  const [AT, BLOCKS, A, SAVED, V, TMP] = [0, 1, 2, 7, 12, 16];
  const block: number[] = [];
  for (let r = 0; r < 5; r++) block.push(...get(A + r), ...set(SAVED + r));
  const storeWithK = (k: number): number[] => [
    ...i32Const(0),
    ...get(V + (k % 4)),
    ...i32Const(SHA1_K[Math.floor((4 * k) / 20)]!),
    ...splat,
    ...add,
    ...v128Store(SCHEDULE_AT + 16 * k),
  ];
  for (let k = 0; k < 4; k++) {
    block.push(...get(AT), ...v128Load(16 * k), ...get(AT), ...v128Load(16 * k), ...shuffle(BSWAP), ...set(V + k), ...storeWithK(k));
  }
  const group = (k: number): number[] => {
    const [g4, g3, g2, g1] = [V + ((k - 4) % 4), V + ((k - 3) % 4), V + ((k - 2) % 4), V + ((k - 1) % 4)];
    return [
      // W[t-3..t-1] and 0, ^ W[t-8..t-5], ^ W[t-14..t-11], ^ W[t-16..t-13]
      ...get(g1),
      ...v128Zero,
      ...shuffle([...bytes(4, 12), ...bytes(16, 4)]),
      ...get(g2),
      ...xor,
      ...get(g4),
      ...get(g3),
      ...shuffle([...bytes(8, 8), ...bytes(16, 8)]),
      ...xor,
      ...get(g4),
      ...xor,
      ...rotl1(TMP),
      ...set(g4),
      // Lane 3 lacked W[t] (lane 0 of this very group): xor in rotl(W[t], 1).
      ...get(g4),
      ...get(g4),
      ...v128Zero,
      ...shuffle([...bytes(16, 12), ...bytes(0, 4)]),
      ...rotl1(TMP),
      ...xor,
      ...set(V + (k % 4)),
      ...storeWithK(k),
    ];
  };
  block.push(
    ...sha1Rounds(
      A,
      (t) => [...i32Const(0), ...i32Load(SCHEDULE_AT + 4 * t)],
      (t) => (t % 4 === 0 && t / 4 + 1 >= 4 && t / 4 + 1 < 20 ? group(t / 4 + 1) : []),
    ),
  );
  for (let r = 0; r < 5; r++) block.push(...get(A + r), ...get(SAVED + r), ...I32_ADD, ...set(A + r));
  const code: number[] = [];
  for (let r = 0; r < 5; r++) code.push(...i32Const(0), ...i32Load(4 * r), ...set(A + r));
  code.push(...blockLoop(BLOCKS, [AT], block));
  for (let r = 0; r < 5; r++) code.push(...i32Const(0), ...get(A + r), ...i32Store(4 * r));
  return wasmModule({
    params: 2,
    locals: [
      [10, I32],
      [5, V128],
    ],
    code,
    pages: PAGES,
  });
}
