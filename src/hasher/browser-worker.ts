/**
 * The browser's worker hasher. The `new Worker(new URL(...), { type: 'module' })` expression is
 * written out literally so that bundlers (Vite, webpack 5, Parcel) find worker.ts and emit it as
 * a chunk. Bundlers that do not (esbuild) get the package's self-contained worker
 * (`dist/worker/`) copied by the app, next to the bundle or at `workerUrl`. Nothing runs at
 * import time.
 */
import { createWorkerHasher } from './worker-hasher.js';
import type { WorkerHasher } from './worker-hasher.js';

/** Options of {@link createBrowserWorkerHasher}. */
export interface BrowserWorkerHasherOptions {
  /** Built-in engine names to try in order; defaults to `['wasm', 'spark']`. */
  engines?: readonly string[] | undefined;
  /** The idle worker is terminated after this many ms (default 10 000). */
  idleTimeoutMs?: number | undefined;
  /**
   * Where the worker script is, for bundlers that do not bundle workers (esbuild): the URL of
   * `hasher-worker.js` from the package's `dist/worker/` directory, copied with its sibling files
   * to your site. Default: the script the bundler emitted beside this module.
   */
  workerUrl?: string | URL | undefined;
}

/** A hasher running on a module Web Worker; falls back to the page's thread where workers fail. */
export function createBrowserWorkerHasher(options: BrowserWorkerHasherOptions = {}): WorkerHasher {
  const { workerUrl, ...rest } = options;
  return createWorkerHasher({
    ...rest,
    createWorker: () =>
      workerUrl !== undefined
        ? new Worker(workerUrl, { type: 'module' })
        : new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }),
  });
}
