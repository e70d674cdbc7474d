/**
 * The server runtimes' hasher: the core's worker hasher (job bookkeeping, abort, inline fallback
 * when the worker cannot start or crashes) driving a worker that runs {@link hashWorkerMain}.
 * Sources opened by this package's `openFile` travel to the worker as a path (file-backed Blobs
 * of Node and Deno's lazy files cannot be posted); other Blobs are posted as they are.
 */
import { createWorkerHasher, type WorkerHasher, type WorkerLike } from '../../hasher/worker-hasher.js';
import type { Hasher } from '../../hasher/types.js';
import type { WorkerRequest } from '../../hasher/worker-protocol.js';
import type { FileRef, ThreadWorker } from './hash-worker-main.js';

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

/** Makes a runtime's worker running {@link hashWorkerMain}. */
export type SpawnWorker = () => ThreadWorker;

export interface ThreadHasherOptions {
  /** Makes a worker running {@link hashWorkerMain}. */
  spawn: SpawnWorker;
  /** Hashes on the calling thread where no worker can (same engine, ideally). */
  fallback: Hasher;
  /**
   * The idle worker is terminated after this many ms. Default 0: a pending timer or a live
   * worker would keep a script's process running after its last upload.
   */
  idleTimeoutMs?: number | undefined;
}

/** Creates a {@link WorkerHasher} over a runtime's worker. */
export function createThreadHasher(options: ThreadHasherOptions): WorkerHasher {
  return createWorkerHasher({
    createWorker: () => withFilePaths(options.spawn()),
    fallback: options.fallback,
    // Blobs are cloned; registered files travel as their path; anything else is hashed inline.
    postable: (source) => source instanceof Blob || fileRefOf(source) !== undefined,
    idleTimeoutMs: options.idleTimeoutMs ?? 0,
  });
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
      void made?.then((hasher) => (hasher as Partial<WorkerHasher>).close?.(), () => undefined);
    },
  };
}
