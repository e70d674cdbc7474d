/** The Bun hasher: `Bun.CryptoHasher` on Web Workers (two by default), or inline. */
import type { Hasher } from '../../hasher/types.js';
import { createServerHasher, type ServerHasherOptions } from '../shared/server-hasher.js';
import { bunCryptoEngine } from './native-hash-engine.js';
import { spawnBunWorker } from './web-worker.js';

/** Options of {@link createBunHasher}: `runner`, `idleTimeoutMs`, `threads`. */
export type BunHasherOptions = ServerHasherOptions;

/** A hasher using `Bun.CryptoHasher`, on a Web Worker by default (Blobs, `Bun.file()` included, are posted to it). */
export function createBunHasher(options: BunHasherOptions = {}): Hasher & { close(): void } {
  return createServerHasher(bunCryptoEngine, () => spawnBunWorker, options);
}
