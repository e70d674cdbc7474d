/** The messages and pieces of the server runtimes' hash worker (see server-hash-worker.ts). */
import type { HashEngineLoader, HashSource } from '../../hasher/types.js';

/** A file the main thread opened, as the worker must find it: same size and mtime, or it changed. */
export interface FileRef {
  path: string;
  size: number;
  mtimeMs: number;
}

/** A file opened inside the worker. */
export interface WorkerFile {
  stat(): Promise<{ size: number; mtimeMs: number }>;
  /** Reads into `into` at `position`; resolves with the bytes read (0 at the end). */
  read(into: Uint8Array, position: number): Promise<number>;
  close(): Promise<void> | void;
}

/** What a runtime gives its hash worker (see server-hash-worker.ts). */
export interface HashWorkerEnv {
  /** The runtime's native engine (node:crypto, `Bun.CryptoHasher`). */
  engine: HashEngineLoader;
  post(message: unknown): void;
  listen(onMessage: (data: unknown) => void): void;
  /** Opens a file by path (absent where files always arrive as Blobs). */
  openFile?: ((path: string) => Promise<WorkerFile>) | undefined;
}

/** Page → worker: the core's hash request, where a file may come as a {@link FileRef} instead of a Blob. */
export interface ThreadHashRequest {
  type: 'hash';
  id: number;
  /** Posted as is: in-memory Blobs clone cheaply; a source that cannot be cloned makes posting throw. */
  blob?: HashSource | undefined;
  file?: FileRef | undefined;
  partSize: number;
  only?: 'all' | 'sha1' | 'partMd5s' | undefined;
}

/**
 * Makes two workers one hasher: the `lead` reads and computes the SHA-1, and hands every chunk it
 * read (transferred, not copied) over `port` to the `md5` worker, which computes the part MD5s.
 */
export interface PairMessage {
  type: 'pair';
  role: 'lead' | 'md5';
  /** A MessagePort (web or node:worker_threads) to the other worker. */
  port: unknown;
}

/** Everything the main thread posts to the worker. */
export type ThreadMessage = ThreadHashRequest | { type: 'abort'; id: number } | PairMessage;

/** A runtime's worker as the thread hasher drives it. */
export interface ThreadWorker {
  /** May throw (e.g. a Blob that cannot be cloned): the job then runs inline. */
  postMessage(message: ThreadMessage, transfer?: Transferable[]): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
  terminate(): void;
}
