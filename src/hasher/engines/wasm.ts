/** The fast portable engine: SHA-1 and MD5 in WebAssembly (modules generated at load, see sha1-md5-wasm.ts). */
import type { HashEngine, HashEngineLoader, IncrementalHash, PartMd5Batch } from '../types.js';
import { loadMd5Lanes } from './md5-lanes.js';
import { loadWasmHash } from './wasm-hash.js';

/** Hands out its single instance once: a second concurrent user would corrupt the state. */
function once(name: string, hash: IncrementalHash): () => IncrementalHash {
  let taken = false;
  return () => {
    if (taken) throw new Error(`wasm engine: the ${name} instance is in use; load an engine per job`);
    taken = true;
    return hash;
  };
}

/**
 * SHA-1 and MD5 on WebAssembly, and part MD5s four at a time on SIMD where it runs
 * (md5-lanes.ts). Each load instantiates one SHA-1, one MD5 and one four-lane MD5 instance (the
 * compiled modules are cached, so this costs little); loading fails where WebAssembly is
 * forbidden, e.g. by a Content-Security-Policy without `wasm-unsafe-eval`.
 */
export const wasmEngine: HashEngineLoader = {
  name: 'wasm',
  async load(): Promise<HashEngine> {
    const [sha1, md5, lanes] = await Promise.all([loadWasmHash('sha1'), loadWasmHash('md5'), loadMd5Lanes()]);
    let batchTaken = false;
    const partMd5Batch = (partSize: number): PartMd5Batch | undefined => {
      if (batchTaken) throw new Error('wasm engine: the part MD5 lanes are in use; load an engine per job');
      batchTaken = true;
      return lanes?.(partSize);
    };
    return { name: 'wasm', sha1: once('SHA-1', sha1), md5: once('MD5', md5), partMd5Batch };
  },
};
