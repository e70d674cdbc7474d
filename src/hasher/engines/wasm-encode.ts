/**
 * Just enough of WebAssembly's binary format to write the hash engines' small modules by hand
 * (md5-lanes-wasm.ts, sha1-md5-wasm.ts): each module is one function `f` over one memory `m`,
 * generated at load. Generating them keeps the engines readable and their bytes small; a general
 * library (hash-wasm) ships its modules as base64 plus a general loader, several KB more.
 */

/** Unsigned LEB128. */
export const uleb = (value: number): number[] => {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return out;
};

/** Signed LEB128 of a 32-bit integer (constants above 2^31 are taken as their negative twin). */
export const sleb = (value: number): number[] => {
  let rest = value | 0;
  const out: number[] = [];
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    if ((rest === 0 && !(byte & 0x40)) || (rest === -1 && byte & 0x40)) return [...out, byte];
    out.push(byte | 0x80);
  }
};

const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (text: string): number[] => [text.length, ...[...text].map((char) => char.charCodeAt(0))];

/** Value types. */
export const I32 = 0x7f;
export const V128 = 0x7b;

// Core opcodes used by the generators.
export const get = (local: number): number[] => [0x20, ...uleb(local)];
export const set = (local: number): number[] => [0x21, ...uleb(local)];
export const tee = (local: number): number[] => [0x22, ...uleb(local)];
export const i32Const = (value: number): number[] => [0x41, ...sleb(value)];
export const i32Load = (offset: number): number[] => [0x28, 2, ...uleb(offset)];
export const i32Store = (offset: number): number[] => [0x36, 2, ...uleb(offset)];
export const I32_ADD = [0x6a];
export const I32_SUB = [0x6b];
export const I32_AND = [0x71];
export const I32_OR = [0x72];
export const I32_XOR = [0x73];
export const I32_ROTL = [0x77];
export const I32_ROTR = [0x78];
export const I32_EQZ = [0x45];

/** Fixed-width SIMD opcodes (prefix 0xfd) on v128 values, lanes of i32 where it matters. */
export const simd = (op: number, ...rest: number[]): number[] => [0xfd, ...uleb(op), ...rest];
export const v128Load = (offset: number): number[] => simd(0, 4, ...uleb(offset));
export const v128Store = (offset: number): number[] => simd(11, 4, ...uleb(offset));
/** Bytes of two vectors picked by 16 indices (0-15 the first, 16-31 the second). */
export const v128Shuffle = (lanes: readonly number[]): number[] => simd(13, ...lanes);
export const V128_ZERO = simd(12, ...new Array<number>(16).fill(0));
export const I32X4_SPLAT = simd(17);
export const I32X4_REPLACE_LANE = (lane: number): number[] => simd(28, lane);
export const V128_NOT = simd(77);
export const V128_AND = simd(78);
export const V128_OR = simd(80);
export const V128_XOR = simd(81);
export const I32X4_SHL = simd(171);
export const I32X4_SHR_U = simd(173);
export const I32X4_ADD = simd(174);

/**
 * `for (; blocks != 0; blocks--) { body; each pointer += 64 }` where `blocks` is local
 * `blocksLocal` and the pointers are the locals in `pointers`.
 */
export function blockLoop(blocksLocal: number, pointers: readonly number[], body: number[]): number[] {
  const out = [0x02, 0x40, 0x03, 0x40, ...get(blocksLocal), ...I32_EQZ, 0x0d, 1, ...body];
  for (const pointer of pointers) out.push(...get(pointer), ...i32Const(64), ...I32_ADD, ...set(pointer));
  out.push(...get(blocksLocal), ...i32Const(1), ...I32_SUB, ...set(blocksLocal), 0x0c, 0, 0x0b, 0x0b);
  return out;
}

/** What one generated module holds. */
export interface ModuleShape {
  /** Number of i32 parameters of `f`. */
  params: number;
  /** Extra locals of `f`: [count, type]. */
  locals: readonly (readonly [number, number])[];
  /** `f`'s body (without the final `end`). */
  code: number[];
  /** Pages of 64 KiB in `m`. */
  pages: number;
  /** Bytes placed in memory at start-up, at `at`. */
  data?: { at: number; bytes: number[] } | undefined;
}

/** The bytes of a module exporting function `f` (i32 parameters, no result) and memory `m`. */
export function wasmModule(shape: ModuleShape): Uint8Array<ArrayBuffer> {
  const body = [...vector(shape.locals.map(([count, type]) => [...uleb(count), type])), ...shape.code, 0x0b];
  const params = Array.from({ length: shape.params }, () => [I32]);
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([[0x60, ...vector(params), 0]])),
    ...section(3, vector([[0]])),
    ...section(5, vector([[0x00, ...uleb(shape.pages)]])),
    ...section(
      7,
      vector([
        [...name('f'), 0x00, 0],
        [...name('m'), 0x02, 0],
      ]),
    ),
    ...section(10, vector([[...uleb(body.length), ...body]])),
    ...(shape.data
      ? section(11, vector([[0x00, ...i32Const(shape.data.at), 0x0b, ...uleb(shape.data.bytes.length), ...shape.data.bytes]]))
      : []),
  ]);
}
