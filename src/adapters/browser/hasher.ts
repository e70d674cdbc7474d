/**
 * The browser's worker hasher. The `new Worker(new URL(...), { type: 'module' })` expressions are
 * written out literally so that bundlers (Vite, webpack 5, Parcel) find the two worker scripts
 * and emit them as chunks: hash-worker.ts (WebAssembly, the default) and hash-worker-pure-js.ts (started
 * only where WebAssembly cannot compile). Bundlers that do not (esbuild) get the package's
 * self-contained workers (`dist/worker/`) copied by the app, at `workerUrl`. Nothing runs at
 * import time.
 */
import { VodArgumentError } from '../../protocol/errors.js';
import { createSplitHasher, SPLIT_MIN_BYTES } from '../../hasher/split-hasher.js';
import { transfersAreCheap } from './transfer-probe.js';
import { createWorkerHasher } from '../../hasher/worker-hasher.js';
import type { WorkerHasher } from '../../hasher/worker-hasher.js';

/** Options of {@link createBrowserWorkerHasher}. */
export interface BrowserWorkerHasherOptions {
  /** Built-in engine names to try in order; defaults to `['wasm', 'spark']`. */
  engines?: readonly string[] | undefined;
  /** The idle worker is terminated after this many ms (default 10 000). */
  idleTimeoutMs?: number | undefined;
  /**
   * `2`: files of 16 MiB or more are hashed on two workers of the same script at once: one reads
   * the file once and computes the part MD5s, and hands each chunk (transferred, not copied; at
   * most four of 2 MiB in flight) to the other, which computes the SHA-1. `1`: one worker reads
   * and computes both. Default: `2` where `navigator.hardwareConcurrency` is 2 or more and an
   * 8 MiB buffer crosses a MessageChannel and back in under 5 ms (measured once per page; it
   * did not in Firefox 153, whose ports copy), else `1`.
   */
  threads?: 1 | 2 | undefined;
  /**
   * Where the worker script is, for bundlers that do not bundle workers (esbuild): the URL of
   * `hasher-worker.js` from the package's `dist/worker/` directory, copied with its sibling files
   * to your site (the pure-JS worker, `pure-js-hasher-worker.js`, is taken from beside it).
   * Default: the scripts the bundler emitted beside this module.
   */
  workerUrl?: string | URL | undefined;
}

/**
 * A hasher running on module Web Workers (two where the machine has two cores or more, see
 * `threads`); falls back to the page's thread where workers fail.
 */
export function createBrowserWorkerHasher(options: BrowserWorkerHasherOptions = {}): WorkerHasher {
  const { threads, ...single } = options;
  if (threads !== undefined && threads !== 1 && threads !== 2) throw new VodArgumentError('threads', '1 or 2', threads);
  const cores = typeof navigator === 'undefined' ? undefined : navigator.hardwareConcurrency;
  if (threads === 1 || (threads === undefined && !(typeof cores === 'number' && cores >= 2))) return oneWorkerHasher(single);
  const [sha1Side, md5Side] = [oneWorkerHasher(single), oneWorkerHasher(single)];
  const pipeline = createSplitHasher(sha1Side, md5Side, { pipe: true });
  return {
    // By default a large file goes to the pipeline only where moving its chunks between threads is cheap.
    hash: async (blob, hashOptions) => {
      const large = typeof blob?.size === 'number' && blob.size >= SPLIT_MIN_BYTES;
      if (threads === undefined && large && !(await transfersAreCheap())) return sha1Side.hash(blob, hashOptions);
      return pipeline.hash(blob, hashOptions);
    },
    close() {
      sha1Side.close();
      md5Side.close();
    },
  };
}

function oneWorkerHasher(options: Omit<BrowserWorkerHasherOptions, 'threads'>): WorkerHasher {
  const { workerUrl, ...rest } = options;
  return createWorkerHasher({
    ...rest,
    createWorker: () =>
      workerUrl !== undefined
        ? new Worker(workerUrl, { type: 'module' })
        : new Worker(new URL('./hash-worker.js', import.meta.url), { type: 'module' }),
    createFallbackWorker: () =>
      workerUrl !== undefined
        ? new Worker(new URL('pure-js-hasher-worker.js', new URL(workerUrl, location.href)), { type: 'module' })
        : new Worker(new URL('./hash-worker-pure-js.js', import.meta.url), { type: 'module' }),
  });
}
