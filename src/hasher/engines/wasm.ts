/** The fast portable engine: SHA-1 and MD5 compiled to WebAssembly by hash-wasm. */
import { createMD5, createSHA1 } from 'hash-wasm';
import type { IHasher } from 'hash-wasm';
import type { HashEngine, HashEngineLoader, IncrementalHash } from '../types.js';

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
 * hash-wasm (WebAssembly). Each load instantiates one SHA-1 and one MD5 instance (the compiled
 * module is cached by hash-wasm, so this costs little); loading fails where WebAssembly is
 * forbidden, e.g. by a Content-Security-Policy without `wasm-unsafe-eval`.
 */
export const wasmEngine: HashEngineLoader = {
  name: 'wasm',
  async load(): Promise<HashEngine> {
    const [sha1, md5] = await Promise.all([createSHA1(), createMD5()]);
    return { name: 'wasm', sha1: once('SHA-1', sha1), md5: once('MD5', md5) };
  },
};
