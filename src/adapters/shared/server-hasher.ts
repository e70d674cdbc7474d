/**
 * The server runtimes' hasher (Node, Deno, Bun): the runtime's native engine on its hash worker
 * (two threads sharing one read by default), or on the calling thread. Each runtime passes its
 * engine and how to start its worker; the options and their checks are the same everywhere.
 */
import { createInlineHasher } from '../../hasher/inline-hasher.js';
import type { HashEngineLoader, Hasher } from '../../hasher/types.js';
import { VodArgumentError } from '../../protocol/errors.js';
import { createThreadHasher, lazyHasher, type SpawnWorker } from './thread-hasher.js';

/** Options of a server runtime's hasher (`createNodeHasher`, `createDenoHasher`, `createBunHasher`). */
export interface ServerHasherOptions {
  /** `'worker'` (default): the runtime's worker, the event loop stays free. `'inline'`: the calling thread. */
  runner?: 'worker' | 'inline';
  /** An idle worker is terminated after this many ms (default 0, so programs exit at once). */
  idleTimeoutMs?: number;
  /** Workers per job: 2 (default) hash SHA-1 and MD5 in parallel from one read; 1 does both on one. */
  threads?: 1 | 2;
}

/**
 * A hasher with `engine` on the worker `spawner()` starts (a promise where the runtime's worker
 * module is imported on first use), falling back to `engine` on the calling thread where no
 * worker can take a job. Throws a VodArgumentError on a bad option.
 */
export function createServerHasher(
  engine: HashEngineLoader,
  spawner: () => SpawnWorker | Promise<SpawnWorker>,
  options: ServerHasherOptions = {},
): Hasher & { close(): void } {
  if (typeof options !== 'object' || options === null) throw new VodArgumentError('options', 'an object', options);
  const runner = options.runner ?? 'worker';
  if (runner !== 'worker' && runner !== 'inline') throw new VodArgumentError('runner', "'worker' or 'inline'", runner);
  if (options.threads !== undefined && options.threads !== 1 && options.threads !== 2) {
    throw new VodArgumentError('threads', '1 or 2', options.threads);
  }
  const inline = createInlineHasher({ engines: [engine] });
  if (runner === 'inline') return { hash: (source, hashOptions) => inline.hash(source, hashOptions), close: () => undefined };
  return lazyHasher(async () =>
    createThreadHasher({ spawn: await spawner(), fallback: inline, idleTimeoutMs: options.idleTimeoutMs, threads: options.threads }),
  );
}
