/** The fast portable engine: SHA-1 and MD5 compiled to WebAssembly by hash-wasm. */
import { createMD5, createSHA1 } from 'hash-wasm';
import type { IHasher } from 'hash-wasm';
import type { HashEngine, HashEngineLoader, IncrementalHash, PartMd5Batch } from '../types.js';
import { loadMd5Lanes } from './md5-lanes.js';

/** Wraps one WASM instance; digest re-initialises it so one instance serves every part. */
function wrap(hasher: IHasher): IncrementalHash {
  hasher.init();
  return {
    update(bytes) {
      hasher.update(bytes);
    },
    digest() {
      const hex = hasher.digest('hex');
      hasher.init();
      return hex;
    },
  };
}

/** Hands out its single instance once: a second concurrent user would corrupt the state. */
function once(name: string, hasher: IHasher): () => IncrementalHash {
  let taken = false;
  return () => {
    if (taken) throw new Error(`wasm engine: the ${name} instance is in use; load an engine per job`);
    taken = true;
    return wrap(hasher);
  };
}

/**
 * hash-wasm (WebAssembly), and part MD5s four at a time on SIMD where it runs (md5-lanes.ts).
 * Each load instantiates one SHA-1, one MD5 and one four-lane MD5 instance (the compiled modules
 * are cached, so this costs little); loading fails where WebAssembly is forbidden, e.g. by a
 * Content-Security-Policy without `wasm-unsafe-eval`.
 */
export const wasmEngine: HashEngineLoader = {
  name: 'wasm',
  async load(): Promise<HashEngine> {
    const [sha1, md5, lanes] = await Promise.all([createSHA1(), createMD5(), loadMd5Lanes()]);
    let batchTaken = false;
    const partMd5Batch = (partSize: number): PartMd5Batch | undefined => {
      if (batchTaken) throw new Error('wasm engine: the part MD5 lanes are in use; load an engine per job');
      batchTaken = true;
      return lanes?.(partSize);
    };
    return { name: 'wasm', sha1: once('SHA-1', sha1), md5: once('MD5', md5), partMd5Batch };
  },
};
