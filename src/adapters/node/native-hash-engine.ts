/**
 * Native hashing through node:crypto (OpenSSL): Node, and Bun and Deno, which implement its
 * createHash. The module is imported when the engine loads, not when this file is imported.
 */
import type { Hash } from 'node:crypto';
import type { HashEngine, HashEngineLoader, IncrementalHash } from '../../hasher/types.js';

type CreateHash = (algorithm: string) => Hash;

function native(createHash: CreateHash, algorithm: 'sha1' | 'md5'): () => IncrementalHash {
  return () => {
    let state = createHash(algorithm);
    return {
      update(bytes) {
        state.update(bytes);
      },
      digest() {
        // A node Hash cannot be reused after digest(); start a fresh one for the next message.
        const hex = state.digest('hex');
        state = createHash(algorithm);
        return hex;
      },
    };
  };
}

let engine: Promise<HashEngine> | undefined;

/** node:crypto's OpenSSL hashes: the fastest engine where node:crypto exists. */
export const nodeCryptoEngine: HashEngineLoader = {
  name: 'node',
  load() {
    if (!engine) {
      engine = import('node:crypto').then(({ createHash }) => ({
        name: 'node',
        sha1: native(createHash, 'sha1'),
        md5: native(createHash, 'md5'),
      }));
      engine.catch(() => (engine = undefined));
    }
    return engine;
  },
};
