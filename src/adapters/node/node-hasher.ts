/** The Node hasher: node:crypto on a worker thread (two threads by default), or inline. */
import type { Hasher } from '../../hasher/types.js';
import { createServerHasher, type ServerHasherOptions } from '../shared/server-hasher.js';
import { nodeCryptoEngine } from './native-hash-engine.js';
import { spawnNodeWorker } from './thread-worker.js';

/** Options of {@link createNodeHasher}: `runner`, `idleTimeoutMs`, `threads`. */
export type NodeHasherOptions = ServerHasherOptions;

/**
 * A hasher using node:crypto (OpenSSL). By default it runs on a worker thread that reads files
 * opened by `openFile` itself; other Blobs are posted to it, and Blobs that cannot be posted
 * (a file-backed Blob from your own `fs.openAsBlob`) are hashed inline.
 */
export function createNodeHasher(options: NodeHasherOptions = {}): Hasher & { close(): void } {
  return createServerHasher(
    nodeCryptoEngine,
    async () => {
      const { Worker } = await import('node:worker_threads');
      return () => spawnNodeWorker(Worker);
    },
    options,
  );
}
