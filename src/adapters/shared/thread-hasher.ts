/**
 * The server runtimes' hasher: the core's worker hasher (job bookkeeping, abort, inline fallback
 * when the worker cannot start or crashes) driving a worker that runs the runtime's hash worker (server-hash-worker.ts).
 * Sources opened by this package's `openFile` travel to the worker as a path (file-backed Blobs
 * of Node and Deno's lazy files cannot be posted); other Blobs are posted as they are.
 */
import { createWorkerHasher, type WorkerHasher, type WorkerLike } from '../../hasher/worker-hasher.js';
import type { Hasher } from '../../hasher/types.js';
import type { WorkerRequest } from '../../hasher/worker-protocol.js';
import { VodArgumentError } from '../../protocol/errors.js';
import type { FileRef, ThreadWorker } from './hash-worker-types.js';

const files = new WeakMap<object, FileRef>();

/** Marks `source` as the file at `ref.path`, so a thread hasher can post the path instead of it. */
export function registerFile<T extends object>(source: T, ref: FileRef): T {
  files.set(source, ref);
  return source;
}

/** The file behind `source`, when this package opened it. */
export function fileRefOf(source: unknown): FileRef | undefined {
  return typeof source === 'object' && source !== null ? files.get(source) : undefined;
}

/** Makes a runtime's worker running the runtime's hash worker script. */
export type SpawnWorker = () => ThreadWorker;

export interface ThreadHasherOptions {
  /** Makes a worker running the runtime's hash worker script. */
  spawn: SpawnWorker;
  /** Hashes on the calling thread where no worker can (same engine, ideally). */
  fallback: Hasher;
  /**
   * The idle worker is terminated after this many ms. Default 0: a pending timer or a live
   * worker would keep a script's process running after its last upload.
   */
  idleTimeoutMs?: number | undefined;
  /**
   * 2 (default): a second worker computes the part MD5s while the first reads and computes the
   * SHA-1, from the same read (chunks are transferred, not copied). 1: one worker does both.
   */
  threads?: 1 | 2 | undefined;
}

/** Creates a {@link WorkerHasher} over a runtime's worker. */
export function createThreadHasher(options: ThreadHasherOptions): WorkerHasher {
  const threads = options.threads ?? 2;
  if (threads !== 1 && threads !== 2) throw new VodArgumentError('threads', '1 or 2', threads);
  return createWorkerHasher({
    createWorker: () => withFilePaths(threads === 2 ? pairOfWorkers(options.spawn) : options.spawn()),
    fallback: options.fallback,
    // Blobs are cloned; registered files travel as their path; anything else is hashed inline.
    postable: (source) => source instanceof Blob || fileRefOf(source) !== undefined,
    idleTimeoutMs: options.idleTimeoutMs ?? 0,
  });
}

/**
 * Two workers that look like one: jobs go to the lead, which hands what it reads to the other
 * over a MessageChannel (see {@link PairMessage}). Either one failing fails the pair, so pending
 * jobs rerun inline as with a single worker.
 */
function pairOfWorkers(spawn: SpawnWorker): ThreadWorker {
  const lead = spawn();
  let md5: ThreadWorker;
  try {
    md5 = spawn();
    const { port1, port2 } = new MessageChannel();
    lead.postMessage({ type: 'pair', role: 'lead', port: port1 }, [port1]);
    md5.postMessage({ type: 'pair', role: 'md5', port: port2 }, [port2]);
  } catch (error) {
    lead.terminate();
    throw error;
  }
  return {
    postMessage: (message, transfer) => lead.postMessage(message, transfer),
    addEventListener(type, listener) {
      lead.addEventListener(type, listener);
      // The MD5 worker answers its lead only; its failures are the pair's.
      if (type === 'error' || type === 'messageerror') md5.addEventListener(type, listener);
    },
    terminate() {
      lead.terminate();
      md5.terminate();
    },
  };
}

/** Replaces a registered file source by its {@link FileRef} on the way to the worker. */
function withFilePaths(worker: ThreadWorker): WorkerLike {
  return {
    addEventListener: (type, listener) => worker.addEventListener(type, listener),
    terminate: () => worker.terminate(),
    postMessage(message: WorkerRequest) {
      if (message.type === 'abort') return worker.postMessage(message);
      // Engine names mean nothing to this worker: it hashes with the runtime's native engine.
      const { blob, engines: _engines, ...rest } = message;
      const file = fileRefOf(blob);
      worker.postMessage(file ? { ...rest, file } : { ...rest, blob });
    },
  };
}

/**
 * A hasher made on first use by an async factory (which may import runtime modules): runtime
 * entries stay free of side effects at import time.
 */
export function lazyHasher(create: () => Promise<Hasher>): Hasher & { close(): void } {
  let made: Promise<Hasher> | undefined;
  return {
    async hash(source, options) {
      if (!made) {
        made = create();
        made.catch(() => (made = undefined));
      }
      return (await made).hash(source, options);
    },
    close() {
      void made?.then(
        (hasher) => (hasher as Partial<WorkerHasher>).close?.(),
        () => undefined,
      );
    },
  };
}
