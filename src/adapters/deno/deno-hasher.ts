/** The Deno hasher: Deno's node:crypto on a module Web Worker, or inline. */
import { createInlineHasher } from '../../hasher/inline-hasher.js';
import type { Hasher } from '../../hasher/types.js';
import { VodArgumentError } from '../../protocol/errors.js';
import { nodeCryptoEngine } from '../node/native-hash-engine.js';
import { createThreadHasher } from '../shared/thread-hasher.js';
import { spawnDenoWorker } from './web-worker.js';

/** Options of {@link createDenoHasher}. */
export interface DenoHasherOptions {
  /** `'worker'` (default): a module Web Worker. `'inline'`: the calling thread. */
  runner?: 'worker' | 'inline';
  /** An idle worker is terminated after this many ms (default 0, so programs exit at once). */
  idleTimeoutMs?: number;
}

/**
 * A hasher using Deno's node:crypto (native). By default it runs on a Web Worker, which reads
 * files opened by `openFile` itself; Blobs are posted to it; other sources are hashed inline.
 */
export function createDenoHasher(options: DenoHasherOptions = {}): Hasher & { close(): void } {
  const runner = options.runner ?? 'worker';
  if (runner !== 'worker' && runner !== 'inline') throw new VodArgumentError('runner', "'worker' or 'inline'", runner);
  const inline = createInlineHasher({ engines: [nodeCryptoEngine] });
  if (runner === 'inline') return { hash: (source, hashOptions) => inline.hash(source, hashOptions), close: () => undefined };
  return createThreadHasher({ spawn: spawnDenoWorker, fallback: inline, idleTimeoutMs: options.idleTimeoutMs });
}
