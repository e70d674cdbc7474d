/** Native hashing for Node (also Bun and Deno, which implement node:crypto's createHash). */
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import type { HashEngine, HashEngineLoader, IncrementalHash } from '../../hasher/types.js';

function native(algorithm: 'sha1' | 'md5'): () => IncrementalHash {
  return () => {
    let state: Hash = createHash(algorithm);
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

const engine: HashEngine = { name: 'node', sha1: native('sha1'), md5: native('md5') };

/** node:crypto's OpenSSL hashes: the fastest engine where node:crypto exists. */
export const nodeCryptoEngine: HashEngineLoader = {
  name: 'node',
  load: () => Promise.resolve(engine),
};
