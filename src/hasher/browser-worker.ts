/**
 * The browser's worker hasher. The `new Worker(new URL(...), { type: 'module' })` expression is
 * written out literally so that bundlers (Vite, webpack 5, Parcel) find worker.ts and emit it as
 * a chunk. Bundlers that do not (esbuild) get the package's self-contained worker
 * (`dist/worker/`) copied by the app, next to the bundle or at `workerUrl`. Nothing runs at
 * import time.
 */
import { createWorkerHasher } from './worker-hasher.js';
import type { WorkerHasher, WorkerLike } from './worker-hasher.js';
import { VodArgumentError } from '../protocol/errors.js';

/** Options of {@link createBrowserWorkerHasher}. */
export interface BrowserWorkerHasherOptions {
  /** Built-in engine names to try in order; defaults to `['wasm', 'spark']`. */
  engines?: readonly string[] | undefined;
  /** The idle workers are terminated after this many ms (default 10 000). */
  idleTimeoutMs?: number | undefined;
  /**
   * 1 (default): one worker reads and hashes. 3: files of 4 MiB and more are read by one worker
   * and hashed by two more (SHA-1, part MD5s), chunks passed on by transfer, so reading need not
   * wait for hashing. Measure before choosing it: `npm run bench -- browser` shows both (on a
   * busy 2-core machine it gained nothing in Chromium and lost in Firefox).
   */
  threads?: 1 | 3 | undefined;
  /**
   * Where the worker script is, for bundlers that do not bundle workers (esbuild): the URL of
   * `hasher-worker.js` from the package's `dist/worker/` directory, copied with its sibling files
   * to your site. Default: the script the bundler emitted beside this module.
   */
  workerUrl?: string | URL | undefined;
}

/**
 * Three workers that look like one to the hasher: jobs go to the lead, which reads and hands the
 * bytes down the chain (see worker-chain.ts). A helper that cannot be made leaves the lead alone,
 * hashing by itself; either helper failing later fails the whole, so pending jobs rerun inline.
 */
function chainOfWorkers(spawn: () => Worker): WorkerLike {
  const lead = spawn();
  const helpers: Worker[] = [];
  try {
    const sha1 = spawn();
    helpers.push(sha1);
    const md5 = spawn();
    helpers.push(md5);
    const leadToSha1 = new MessageChannel();
    const sha1ToMd5 = new MessageChannel();
    const md5ToLead = new MessageChannel();
    lead.postMessage({ type: 'chain', role: 'lead', next: leadToSha1.port1, back: md5ToLead.port2 }, [leadToSha1.port1, md5ToLead.port2]);
    sha1.postMessage({ type: 'chain', role: 'sha1', prev: leadToSha1.port2, next: sha1ToMd5.port1 }, [leadToSha1.port2, sha1ToMd5.port1]);
    md5.postMessage({ type: 'chain', role: 'md5', prev: sha1ToMd5.port2, back: md5ToLead.port1 }, [sha1ToMd5.port2, md5ToLead.port1]);
  } catch {
    for (const helper of helpers) helper.terminate();
    return lead;
  }
  return {
    postMessage: (message) => lead.postMessage(message),
    addEventListener(type, listener) {
      lead.addEventListener(type, listener);
      if (type === 'error' || type === 'messageerror') for (const helper of helpers) helper.addEventListener(type, listener);
    },
    terminate() {
      lead.terminate();
      for (const helper of helpers) helper.terminate();
    },
  };
}

/** A hasher running on module Web Workers; falls back to the page's thread where workers fail. */
export function createBrowserWorkerHasher(options: BrowserWorkerHasherOptions = {}): WorkerHasher {
  const threads = options.threads ?? 1;
  if (threads !== 1 && threads !== 3) throw new VodArgumentError('threads', '1 or 3', threads);
  const { workerUrl } = options;
  const spawn = (): Worker =>
    workerUrl !== undefined ? new Worker(workerUrl, { type: 'module' }) : new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  return createWorkerHasher({
    engines: options.engines,
    idleTimeoutMs: options.idleTimeoutMs,
    createWorker: () => (threads === 3 ? chainOfWorkers(spawn) : spawn()),
  });
}
