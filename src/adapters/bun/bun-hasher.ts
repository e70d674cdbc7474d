/** The Bun hasher: `Bun.CryptoHasher` on a Web Worker, or inline. */
import { createInlineHasher } from '../../hasher/inline-hasher.js';
import type { Hasher } from '../../hasher/types.js';
import { VodArgumentError } from '../../protocol/errors.js';
import { createThreadHasher } from '../shared/thread-hasher.js';
import { bunCryptoEngine } from './native-hash-engine.js';
import { spawnBunWorker } from './web-worker.js';

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
