/**
 * A hasher that runs jobs on a Web Worker (worker.ts) and falls back to the calling thread when
 * the worker cannot be created or fails to start.
 */
import { abortReason, checkHashInput } from './hash-blob.js';
import { createInlineHasher } from './inline-hasher.js';
import { defaultEngineNames, enginesByName } from './load-engine.js';
import { ENGINE_UNAVAILABLE, parseWorkerResponse } from './worker-protocol.js';
import type { WorkerRequest } from './worker-protocol.js';
import type { HashOptions, HashResult, HashSource, Hasher } from './types.js';
import { VodArgumentError } from '../protocol/errors.js';

/** What this module needs of a Worker (a DOM `Worker` fits; tests pass fakes). */
export interface WorkerLike {
  /** Sends a job message to the worker (a pipelined job's port in `transfer`). */
  postMessage(message: WorkerRequest, transfer?: Transferable[]): void;
  /** Listens for `message` and `error` events. */
  addEventListener(type: string, listener: (event: Event) => void): void;
  /** Stops the worker. */
  terminate(): void;
}

/** Options of {@link createWorkerHasher}. */
export interface WorkerHasherOptions {
  /** Makes the worker, e.g. `() => new Worker(new URL('./hash-worker.js', import.meta.url), { type: 'module' })`. */
  createWorker: () => WorkerLike;
  /**
   * Makes a second worker with other engines, used from the first time the worker answers that
   * none of the requested engines loads there (e.g. WebAssembly forbidden by a CSP): pending
   * and later jobs then run on it.
   */
  createFallbackWorker?: (() => WorkerLike) | undefined;
  /** Built-in engine names to try in order in the worker; defaults to `['wasm', 'spark']`. */
  engines?: readonly string[] | undefined;
  /** The idle worker is terminated after this many ms (default 10 000); the next job starts a new one. */
  idleTimeoutMs?: number | undefined;
  /** Runs jobs when no worker can; defaults to an inline hasher with the same engines. */
  fallback?: Hasher | undefined;
  /**
   * Which sources the worker can take. Default: Blobs (structured clone shares the file). Any
   * other source is hashed by the fallback: a plain object would reach the worker without its
   * methods and the job would never finish.
   */
  postable?: ((source: HashSource) => boolean) | undefined;
}

/** A {@link Hasher} owning a worker; `close()` terminates it. */
export interface WorkerHasher extends Hasher {
  /** Terminates the worker now (a later job starts a new one). */
  close(): void;
}

interface Job {
  blob: HashSource;
  options: HashOptions;
  resolve(result: HashResult): void;
  reject(error: unknown): void;
  /** Removes the abort listener. */
  detach(): void;
}

function workerError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * Creates a hasher that posts each Blob to a worker, which reads and hashes it off the page's
 * thread. One worker is reused for every job and terminated when idle. When creating it throws
 * or it fails before announcing itself ready (a CSP, an old browser, a bundling mistake), every
 * job runs inline from then on; `result.runner` says where a job ran and `result.engine` with what.
 * If a running worker crashes, its pending jobs restart inline (progress then starts again from 0).
 */
export function createWorkerHasher(options: WorkerHasherOptions): WorkerHasher {
  if (typeof options?.createWorker !== 'function') {
    throw new VodArgumentError('createWorker', 'a function returning a Worker', options?.createWorker);
  }
  const engines = [...(options.engines ?? defaultEngineNames)];
  const loaders = enginesByName(engines); // validates the names up front
  const idleTimeoutMs = options.idleTimeoutMs ?? 10_000;
  if (!Number.isFinite(idleTimeoutMs) || idleTimeoutMs < 0) {
    throw new VodArgumentError('idleTimeoutMs', 'a number of milliseconds ≥ 0', idleTimeoutMs);
  }
  const fallback = options.fallback ?? createInlineHasher({ engines: loaders });
  const postable = options.postable ?? ((source: HashSource) => typeof Blob !== 'undefined' && source instanceof Blob);

  const jobs = new Map<number, Job>();
  let worker: WorkerLike | undefined;
  let ready = false;
  let broken = false;
  /** Why jobs run inline instead of on the worker (reported with each such result). */
  let brokenReason = '';
  let nextId = 1;
  /** The fallback worker replaced the first one (for good). */
  let onFallbackWorker = false;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const stopWorker = (): void => {
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    idleTimer = undefined;
    worker?.terminate();
    worker = undefined;
    ready = false;
  };

  const settle = (id: number): Job | undefined => {
    const job = jobs.get(id);
    if (!job) return undefined;
    jobs.delete(id);
    job.detach();
    if (jobs.size === 0 && worker && !broken) idleTimer = setTimeout(stopWorker, idleTimeoutMs);
    return job;
  };

  /** The fallback's result, saying why it ran instead of the worker. */
  const inline = (blob: HashSource, hashOptions: HashOptions, reason: string): Promise<HashResult> =>
    fallback.hash(blob, hashOptions).then((result) => ({ ...result, fallbackReason: reason }));

  const runInline = (job: Job, reason: string): void => {
    inline(job.blob, job.options, reason).then(job.resolve, job.reject);
  };

  const onFailure = (event?: Event): void => {
    const detail = event && 'message' in event && typeof event.message === 'string' && event.message ? `: ${event.message}` : '';
    // Never started → this environment cannot run it: stay inline. Crashed later → next job retries.
    const reason = ready
      ? `the hash worker crashed${detail}`
      : `the hash worker did not start${detail} (was its script bundled or copied? see the bundler notes in docs/runtimes-web.md)`;
    if (!ready) {
      broken = true;
      brokenReason = reason;
    }
    stopWorker();
    for (const id of [...jobs.keys()]) {
      const job = settle(id);
      if (job) runInline(job, reason);
    }
  };

  const onMessage = (event: Event): void => {
    const message = parseWorkerResponse('data' in event ? event.data : undefined);
    if (!message) return;
    if (message.type === 'ready') {
      ready = true;
      return;
    }
    if (message.type === 'progress') {
      jobs.get(message.id)?.options.onProgress?.(message.hashedBytes);
      return;
    }
    if (message.type === 'error' && message.name === ENGINE_UNAVAILABLE && options.createFallbackWorker && !onFallbackWorker) {
      moveToFallbackWorker();
      return;
    }
    const job = settle(message.id);
    if (!job) return; // aborted meanwhile
    if (message.type === 'done') job.resolve(message.result);
    else job.reject(workerError(message.name, message.message));
  };

  const ensureWorker = (): WorkerLike | undefined => {
    if (worker) return worker;
    try {
      const created = onFallbackWorker && options.createFallbackWorker ? options.createFallbackWorker() : options.createWorker();
      created.addEventListener('message', onMessage);
      created.addEventListener('error', onFailure);
      created.addEventListener('messageerror', onFailure);
      worker = created;
      return created;
    } catch (error) {
      broken = true;
      brokenReason = `the hash worker could not be created (${error instanceof Error ? error.message : String(error)})`;
      return undefined;
    }
  };

  /** Every pending job was posted to a worker that cannot hash: start them again on the fallback worker. */
  const moveToFallbackWorker = (): void => {
    onFallbackWorker = true;
    stopWorker();
    for (const id of [...jobs.keys()]) {
      const job = settle(id);
      if (!job) continue;
      // A pipe's port went to the worker just stopped: the job runs again on its own (unpiped).
      const { pipe: _sent, ...alone } = job.options;
      hasher.hash(job.blob, alone).then(job.resolve, job.reject);
    }
  };

  const hasher: WorkerHasher = {
    hash(blob, hashOptions) {
      try {
        checkHashInput(blob, hashOptions);
      } catch (error) {
        return Promise.reject(error);
      }
      const { signal } = hashOptions;
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      if (!postable(blob)) return fallback.hash(blob, hashOptions);
      const target = broken ? undefined : ensureWorker();
      if (!target) return inline(blob, hashOptions, brokenReason);
      if (idleTimer !== undefined) clearTimeout(idleTimer);
      idleTimer = undefined;

      return new Promise<HashResult>((resolve, reject) => {
        const id = nextId++;
        const onAbort = (): void => {
          if (!signal || !settle(id)) return; // settled already, or rerun inline (which sees the signal)
          target.postMessage({ type: 'abort', id });
          reject(abortReason(signal));
        };
        const job: Job = {
          blob,
          options: hashOptions,
          resolve,
          reject,
          detach: () => signal?.removeEventListener('abort', onAbort),
        };
        jobs.set(id, job);
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
          const { partSize, only, pipe } = hashOptions;
          target.postMessage({ type: 'hash', id, blob, partSize, engines, only, ...(pipe ? { pipe } : {}) }, pipe ? [pipe.port] : []);
        } catch {
          // E.g. a Blob that cannot be cloned: hash it here rather than fail.
          const failed = settle(id);
          if (failed) runInline(failed, 'the source could not be posted to the hash worker');
        }
      });
    },
    close() {
      stopWorker();
    },
  };
  return hasher;
}
