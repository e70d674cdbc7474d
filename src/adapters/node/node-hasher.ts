/** The Node hasher: node:crypto on a worker thread (two threads by default), or inline. */
import { createInlineHasher } from '../../hasher/inline-hasher.js';
import type { Hasher } from '../../hasher/types.js';
import { VodArgumentError } from '../../protocol/errors.js';
import { createThreadHasher, lazyHasher } from '../shared/thread-hasher.js';
import { nodeCryptoEngine } from './native-hash-engine.js';
import { spawnNodeWorker } from './thread-worker.js';

/** Options of {@link createNodeHasher}. */
export interface NodeHasherOptions {
  /** `'worker'` (default): a worker thread, the event loop stays free. `'inline'`: the calling thread. */
  runner?: 'worker' | 'inline';
  /** An idle worker is terminated after this many ms (default 0, so scripts exit at once). */
  idleTimeoutMs?: number;
  /** Worker threads per job: 2 (default) hash SHA-1 and MD5 in parallel from one read; 1 does both on one. */
  threads?: 1 | 2;
}

/**
 * A hasher using node:crypto (OpenSSL). By default it runs on a worker thread that reads files
 * opened by `openFile` itself; other Blobs are posted to it, and Blobs that cannot be posted
 * (a file-backed Blob from your own `fs.openAsBlob`) are hashed inline.
 */
export function createNodeHasher(options: NodeHasherOptions = {}): Hasher & { close(): void } {
  const runner = options.runner ?? 'worker';
  if (runner !== 'worker' && runner !== 'inline') throw new VodArgumentError('runner', "'worker' or 'inline'", runner);
  if (options.threads !== undefined && options.threads !== 1 && options.threads !== 2)
    throw new VodArgumentError('threads', '1 or 2', options.threads);
  const inline = createInlineHasher({ engines: [nodeCryptoEngine] });
  if (runner === 'inline') return { hash: (source, hashOptions) => inline.hash(source, hashOptions), close: () => undefined };
  return lazyHasher(async () => {
    const { Worker } = await import('node:worker_threads');
    return createThreadHasher({
      spawn: () => spawnNodeWorker(Worker),
      fallback: inline,
      idleTimeoutMs: options.idleTimeoutMs,
      threads: options.threads,
    });
  });
}
