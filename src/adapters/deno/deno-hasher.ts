/** The Deno hasher: Deno's node:crypto on module Web Workers (two by default), or inline. */
import type { Hasher } from '../../hasher/types.js';
import { nodeCryptoEngine } from '../node/native-hash-engine.js';
import { createServerHasher, type ServerHasherOptions } from '../shared/server-hasher.js';
import { spawnDenoWorker } from './web-worker.js';

/** Options of {@link createDenoHasher}: `runner`, `idleTimeoutMs`, `threads`. */
export type DenoHasherOptions = ServerHasherOptions;

/**
 * A hasher using Deno's node:crypto (native). By default it runs on a Web Worker, which reads
 * files opened by `openFile` itself; Blobs are posted to it; other sources are hashed inline.
 */
export function createDenoHasher(options: DenoHasherOptions = {}): Hasher & { close(): void } {
  return createServerHasher(nodeCryptoEngine, () => spawnDenoWorker, options);
}
