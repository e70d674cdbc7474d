/**
 * The browser's worker hasher. The `new Worker(new URL(...), { type: 'module' })` expression is
 * written out literally so that bundlers (Vite, webpack 5, esbuild with a plugin, Parcel) find
 * worker.ts and emit it as a chunk. Nothing runs at import time.
 */
import { createWorkerHasher } from './worker-hasher.js';
import type { WorkerHasher } from './worker-hasher.js';

export interface BrowserWorkerHasherOptions {
  /** Built-in engine names to try in order; defaults to `['wasm', 'spark']`. */
  engines?: readonly string[] | undefined;
  /** The idle worker is terminated after this many ms (default 10 000). */
  idleTimeoutMs?: number | undefined;
}

/** A hasher running on a module Web Worker; falls back to the page's thread where workers fail. */
export function createBrowserWorkerHasher(options: BrowserWorkerHasherOptions = {}): WorkerHasher {
  return createWorkerHasher({
    ...options,
    createWorker: () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }),
  });
}
