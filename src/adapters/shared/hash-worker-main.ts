/**
 * The server runtimes' hash worker. It speaks the core's worker protocol (hasher/worker-protocol.ts:
 * ready, progress, done, error) but hashes with the runtime's native SHA-1/MD5 and can read a file
 * by path itself — Node's and Deno's file sources cannot be posted to a worker.
 *
 * `hashWorkerMain` is shipped to the worker as SOURCE TEXT (`String(hashWorkerMain)`), so that no
 * bundler has to find and emit a worker file: it must not use anything from outside its own body
 * (no imports, no module-level names). The runtime-specific parts arrive in `env`.
 */

import type { HashSource } from '../../hasher/types.js';

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

/** What the runtime gives the worker body. */
export interface HashWorkerEnv {
  /** Reported as `HashResult.engine`. */
  engine: string;
  /** A fresh single-use hash; `digest` returns lower-case hex. */
  createHash(algorithm: 'sha1' | 'md5'): { update(bytes: Uint8Array): void; digest(): string };
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

/** Everything the main thread posts to the worker. */
export type ThreadMessage = ThreadHashRequest | { type: 'abort'; id: number };

/** A runtime's worker as the thread hasher drives it. */
export interface ThreadWorker {
  /** May throw (e.g. a Blob that cannot be cloned): the job then runs inline. */
  postMessage(message: ThreadMessage): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
  terminate(): void;
}

/** Runs inside the worker. Self-contained: see the module comment. */
export function hashWorkerMain(env: HashWorkerEnv): void {
  const PROGRESS_STEP = 1 << 20;
  const CHUNK = 1 << 20;
  const jobs = new Map<number, { aborted: boolean }>();

  const named = (name: string, message: string): Error => {
    const error = new Error(message);
    error.name = name;
    return error;
  };

  async function* fileChunks(ref: FileRef, job: { aborted: boolean }): AsyncGenerator<Uint8Array> {
    if (!env.openFile) throw named('NotSupportedError', 'this worker cannot open files');
    const file = await env.openFile(ref.path);
    try {
      const changed = async (): Promise<boolean> => {
        const now = await file.stat();
        return now.size !== ref.size || now.mtimeMs !== ref.mtimeMs;
      };
      if (await changed()) throw named('NotReadableError', `${ref.path} changed since it was opened`);
      // One buffer, reused: the caller hashes each chunk before asking for the next.
      const buffer = new Uint8Array(Math.max(1, Math.min(CHUNK, ref.size)));
      for (let position = 0; position < ref.size && !job.aborted; ) {
        const count = await file.read(buffer.subarray(0, Math.min(buffer.length, ref.size - position)), position);
        if (!(count > 0)) throw named('NotReadableError', `${ref.path} ended at byte ${position} of ${ref.size}`);
        position += count;
        yield buffer.subarray(0, count);
      }
      if (!job.aborted && (await changed())) throw named('NotReadableError', `${ref.path} changed while it was hashed`);
    } finally {
      await file.close();
    }
  }

  const run = async (request: ThreadHashRequest, job: { aborted: boolean }): Promise<void> => {
    const { id, partSize } = request;
    const only = request.only ?? 'all';
    const sha1 = only === 'partMd5s' ? undefined : env.createHash('sha1');
    let md5 = only === 'sha1' ? undefined : env.createHash('md5');
    const partMd5s: string[] = [];
    const size = request.file ? request.file.size : (request.blob?.size ?? 0);
    let partFill = 0;
    let hashed = 0;
    let reported = 0;
    let partEnded = false;
    // ReadableStream is async-iterable in Node, Deno and Bun (the DOM typings lag behind).
    const chunks = (request.file ? fileChunks(request.file, job) : request.blob?.stream()) as AsyncIterable<Uint8Array> | undefined;
    if (!chunks) throw named('TypeError', 'A hash request needs a blob or a file');
    for await (const chunk of chunks) {
      if (job.aborted) throw named('AbortError', 'The hash job was aborted');
      for (let pos = 0; pos < chunk.byteLength; ) {
        const take = Math.min(chunk.byteLength - pos, partSize - partFill);
        const piece = chunk.subarray(pos, pos + take);
        sha1?.update(piece);
        md5?.update(piece);
        pos += take;
        partFill += take;
        if (partFill === partSize) {
          if (md5) {
            partMd5s.push(md5.digest());
            md5 = env.createHash('md5');
          }
          partFill = 0;
          partEnded = true;
        }
      }
      hashed += chunk.byteLength;
      if (hashed > size) throw named('NotReadableError', `The source yielded more bytes than its size ${size}`);
      if (hashed - reported >= PROGRESS_STEP || partEnded) {
        reported = hashed;
        partEnded = false;
        env.post({ type: 'progress', id, hashedBytes: hashed });
      }
    }
    if (job.aborted) throw named('AbortError', 'The hash job was aborted');
    if (hashed !== size) throw named('NotReadableError', `The source yielded ${hashed} bytes, not its size ${size}`);
    if (md5 && partFill > 0) partMd5s.push(md5.digest());
    if (reported !== hashed) env.post({ type: 'progress', id, hashedBytes: hashed });
    const result = { sha1: sha1 ? sha1.digest() : '', partSize, partMd5s, engine: env.engine, bytesHashed: hashed, runner: 'worker' };
    env.post({ type: 'done', id, result });
  };

  env.listen((data) => {
    const message = (typeof data === 'object' && data !== null ? data : {}) as Partial<Omit<ThreadHashRequest, 'type'>> & { type?: unknown };
    const id = message.id;
    if (typeof id !== 'number') return;
    if (message.type === 'abort') {
      const job = jobs.get(id);
      if (job) job.aborted = true;
      return;
    }
    if (message.type !== 'hash' || jobs.has(id)) return;
    const job = { aborted: false };
    jobs.set(id, job);
    run(message as ThreadHashRequest, job)
      .catch((error: unknown) => {
        const known = error instanceof Error;
        env.post({ type: 'error', id, name: known ? error.name : 'Error', message: known ? error.message : String(error) });
      })
      .finally(() => jobs.delete(id));
  });
  env.post({ type: 'ready' });
}
