/** `Bun.CryptoHasher` (native) as a hash engine, for the inline hasher and the hash worker. */
import type { HashEngine, HashEngineLoader } from '../../hasher/types.js';
import { bunApi } from './bun-api.js';

/** `Bun.CryptoHasher` as a hash engine. */
export const bunCryptoEngine: HashEngineLoader = {
  name: 'bun',
  load() {
    const { CryptoHasher } = bunApi();
    const make = (algorithm: 'sha1' | 'md5') => () => {
      let state = new CryptoHasher(algorithm);
      return {
        update: (bytes: Uint8Array) => {
          state.update(bytes);
        },
        digest: () => {
          const hex = state.digest('hex');
          state = new CryptoHasher(algorithm);
          return hex;
        },
      };
    };
    const engine: HashEngine = { name: 'bun', sha1: make('sha1'), md5: make('md5') };
    return Promise.resolve(engine);
  },
};
