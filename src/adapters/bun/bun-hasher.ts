/** The Bun hasher: `Bun.CryptoHasher` on a Web Worker, or inline. */
import { createInlineHasher } from '../../hasher/inline-hasher.js';
import type { HashEngine, HashEngineLoader, Hasher } from '../../hasher/types.js';
import { VodArgumentError } from '../../protocol/errors.js';
import { createThreadHasher } from '../shared/thread-hasher.js';
import { bunApi } from './bun-api.js';
import { spawnBunWorker } from './web-worker.js';

/** `Bun.CryptoHasher` as a hash engine (for the inline hasher). */
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

/** Options of {@link createBunHasher}. */
export interface BunHasherOptions {
  /** `'worker'` (default): a Web Worker. `'inline'`: the calling thread. */
  runner?: 'worker' | 'inline';
  /** An idle worker is terminated after this many ms (default 0, so programs exit at once). */
  idleTimeoutMs?: number;
}

/** A hasher using `Bun.CryptoHasher`, on a Web Worker by default (Blobs, `Bun.file()` included, are posted to it). */
export function createBunHasher(options: BunHasherOptions = {}): Hasher & { close(): void } {
  const runner = options.runner ?? 'worker';
  if (runner !== 'worker' && runner !== 'inline') throw new VodArgumentError('runner', "'worker' or 'inline'", runner);
  const inline = createInlineHasher({ engines: [bunCryptoEngine] });
  if (runner === 'inline') return { hash: (source, hashOptions) => inline.hash(source, hashOptions), close: () => undefined };
  return createThreadHasher({ spawn: spawnBunWorker, fallback: inline, idleTimeoutMs: options.idleTimeoutMs });
}
