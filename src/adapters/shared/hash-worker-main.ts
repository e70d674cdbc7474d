/**
 * The server runtimes' hash worker. It speaks the core's worker protocol (hasher/worker-protocol.ts:
 * ready, progress, done, error) but hashes with the runtime's native SHA-1/MD5 and can read a file
 * by path itself — Node's and Deno's file sources cannot be posted to a worker.
 *
 * `hashWorkerMain` is shipped to the worker as SOURCE TEXT (`String(hashWorkerMain)`), so that no
 * bundler has to find and emit a worker file: it must not use anything from outside its own body
 * (no imports, no module-level names). The runtime-specific parts arrive in `env`.
 */

import type { FileRef, HashWorkerEnv, ThreadHashRequest } from './hash-worker-types.js';

export type {
  FileRef,
  WorkerFile,
  HashWorkerEnv,
  ThreadHashRequest,
  PairMessage,
  ThreadMessage,
  ThreadWorker,
} from './hash-worker-types.js';

/** Runs inside the worker. Self-contained: see the module comment. */
export function hashWorkerMain(env: HashWorkerEnv): void {
  const PROGRESS_STEP = 1 << 20;
  const CHUNK = 1 << 20;
  /** Chunks handed to the MD5 worker and not hashed there yet: bounds the memory of a pair. */
  const IN_FLIGHT = 4;
  /** Below this size, handing chunks over costs more than it saves. */
  const PAIR_MIN_BYTES = 4 * CHUNK;
  const jobs = new Map<number, { aborted: boolean }>();

  type Port = {
    postMessage(message: unknown, transfer?: unknown[]): void;
    on?: (type: 'message', listener: (data: unknown) => void) => void;
    addEventListener?: (type: 'message', listener: (event: { data: unknown }) => void) => void;
    start?: () => void;
  };
  type PortMessage = { type?: string; id?: number; partSize?: number; bytes?: Uint8Array; partMd5s?: string[]; message?: string };
  /** node:worker_threads ports have `on`; web ports `addEventListener` and `start`. */
  const listenPort = (port: Port, onMessage: (message: PortMessage) => void): void => {
    const handle = (data: unknown): void => onMessage((typeof data === 'object' && data !== null ? data : {}) as PortMessage);
    if (typeof port.on === 'function') port.on('message', handle);
    else {
      port.addEventListener?.('message', (event) => handle(event.data));
      port.start?.();
    }
  };

  const named = (name: string, message: string): Error => {
    const error = new Error(message);
    error.name = name;
    return error;
  };

  /** The MD5 of every `partSize` bytes (the last part may be shorter). */
  const partMd5er = (partSize: number) => {
    let md5 = env.createHash('md5');
    let fill = 0;
    const md5s: string[] = [];
    return {
      update(chunk: Uint8Array): void {
        for (let pos = 0; pos < chunk.byteLength; ) {
          const take = Math.min(chunk.byteLength - pos, partSize - fill);
          md5.update(chunk.subarray(pos, pos + take));
          pos += take;
          fill += take;
          if (fill === partSize) {
            md5s.push(md5.digest());
            md5 = env.createHash('md5');
            fill = 0;
          }
        }
      },
      finish(): string[] {
        if (fill > 0) md5s.push(md5.digest());
        fill = 0;
        return md5s;
      },
    };
  };

  /** The lead's link to its MD5 worker, per job. */
  interface Link {
    sent: number;
    acks: number;
    /** Buffers the MD5 worker has handed back. */
    free: Uint8Array[];
    md5s?: string[] | undefined;
    failed?: string | undefined;
    wake?: (() => void) | undefined;
  }
  let partner: Port | undefined;
  const links = new Map<number, Link>();
  const until = (link: Link, ready: () => boolean): Promise<void> =>
    ready() || link.failed !== undefined
      ? Promise.resolve()
      : new Promise((resolve) => {
          link.wake = () => {
            if (!ready() && link.failed === undefined) return;
            link.wake = undefined;
            resolve();
          };
        });

  /** The MD5 worker: hashes the chunks its lead hands over. */
  const serveLead = (port: Port): void => {
    const md5Jobs = new Map<number, ReturnType<typeof partMd5er>>();
    listenPort(port, (message) => {
      const id = message.id;
      if (typeof id !== 'number') return;
      try {
        if (message.type === 'begin') md5Jobs.set(id, partMd5er(message.partSize ?? CHUNK));
        else if (message.type === 'chunk') {
          const bytes = message.bytes;
          if (bytes) md5Jobs.get(id)?.update(bytes);
          // The buffer goes back to be read into again: fresh 1 MiB buffers cost page faults.
          if (bytes) port.postMessage({ type: 'ack', id, bytes }, [bytes.buffer]);
          else port.postMessage({ type: 'ack', id });
        } else if (message.type === 'end') {
          const job = md5Jobs.get(id);
          md5Jobs.delete(id);
          port.postMessage(job ? { type: 'md5s', id, partMd5s: job.finish() } : { type: 'failed', id, message: 'unknown job' });
        } else if (message.type === 'cancel') md5Jobs.delete(id);
      } catch (error) {
        md5Jobs.delete(id);
        port.postMessage({ type: 'failed', id, message: error instanceof Error ? error.message : String(error) });
      }
    });
  };

  const leadWith = (port: Port): void => {
    partner = port;
    listenPort(port, (message) => {
      const link = typeof message.id === 'number' ? links.get(message.id) : undefined;
      if (!link) return;
      if (message.type === 'ack') {
        link.acks += 1;
        if (message.bytes) link.free.push(new Uint8Array(message.bytes.buffer));
      } else if (message.type === 'md5s') link.md5s = message.partMd5s ?? [];
      else if (message.type === 'failed') link.failed = message.message ?? 'the MD5 worker failed';
      link.wake?.();
    });
  };

  /** The file's chunks, read into `bufferFor()` (a pool when chunks are handed over), else one buffer reused. */
  async function* fileChunks(ref: FileRef, job: { aborted: boolean }, bufferFor?: () => Uint8Array): AsyncGenerator<Uint8Array> {
    if (!env.openFile) throw named('NotSupportedError', 'this worker cannot open files');
    const file = await env.openFile(ref.path);
    try {
      const changed = async (): Promise<boolean> => {
        const now = await file.stat();
        return now.size !== ref.size || now.mtimeMs !== ref.mtimeMs;
      };
      if (await changed()) throw named('NotReadableError', `${ref.path} changed since it was opened`);
      const reused = bufferFor ? undefined : new Uint8Array(Math.max(1, Math.min(CHUNK, ref.size)));
      for (let position = 0; position < ref.size && !job.aborted; ) {
        const length = Math.min(CHUNK, ref.size - position);
        const buffer = reused ?? (bufferFor ? bufferFor() : new Uint8Array(length));
        const count = await file.read(buffer.subarray(0, length), position);
        if (!(count > 0)) throw named('NotReadableError', `${ref.path} ended at byte ${position} of ${ref.size}`);
        position += count;
        yield buffer.subarray(0, count);
      }
      if (!job.aborted && (await changed())) throw named('NotReadableError', `${ref.path} changed while it was hashed`);
    } finally {
      await file.close();
    }
  }

  const copyInto = (buffer: Uint8Array, chunk: Uint8Array): Uint8Array => {
    buffer.set(chunk);
    return buffer.subarray(0, chunk.byteLength);
  };

  const run = async (request: ThreadHashRequest, job: { aborted: boolean }): Promise<void> => {
    const { id, partSize } = request;
    const only = request.only ?? 'all';
    const size = request.file ? request.file.size : (request.blob?.size ?? 0);
    const lead = partner && only === 'all' && size >= PAIR_MIN_BYTES ? partner : undefined;
    const sha1 = only === 'partMd5s' ? undefined : env.createHash('sha1');
    const md5 = only === 'sha1' || lead ? undefined : partMd5er(partSize);
    const link: Link | undefined = lead ? { sent: 0, acks: 0, free: [] } : undefined;
    const pooled = (): Uint8Array => link?.free.pop() ?? new Uint8Array(CHUNK);
    if (lead && link) {
      links.set(id, link);
      lead.postMessage({ type: 'begin', id, partSize });
    }
    let finished = false;
    try {
      let hashed = 0;
      let reported = 0;
      // ReadableStream is async-iterable in Node, Deno and Bun (the DOM typings lag behind).
      const chunks = (request.file ? fileChunks(request.file, job, lead ? pooled : undefined) : request.blob?.stream()) as
        | AsyncIterable<Uint8Array>
        | undefined;
      if (!chunks) throw named('TypeError', 'A hash request needs a blob or a file');
      for await (const chunk of chunks) {
        if (job.aborted) throw named('AbortError', 'The hash job was aborted');
        sha1?.update(chunk);
        md5?.update(chunk);
        hashed += chunk.byteLength;
        if (hashed > size) throw named('NotReadableError', `The source yielded more bytes than its size ${size}`);
        if (lead && link) {
          // File chunks have their own buffer; a stream's chunk may share one, so it is copied.
          const own = request.file ? chunk : chunk.byteLength <= CHUNK ? copyInto(pooled(), chunk) : chunk.slice();
          lead.postMessage({ type: 'chunk', id, bytes: own }, [own.buffer]);
          link.sent += 1;
          await until(link, () => link.sent - link.acks < IN_FLIGHT);
          if (link.failed !== undefined) throw named('Error', link.failed);
        }
        if (hashed - reported >= PROGRESS_STEP || Math.floor(hashed / partSize) > Math.floor(reported / partSize)) {
          reported = hashed;
          env.post({ type: 'progress', id, hashedBytes: hashed });
        }
      }
      if (job.aborted) throw named('AbortError', 'The hash job was aborted');
      if (hashed !== size) throw named('NotReadableError', `The source yielded ${hashed} bytes, not its size ${size}`);
      let partMd5s = md5 ? md5.finish() : [];
      if (lead && link) {
        lead.postMessage({ type: 'end', id });
        finished = true;
        await until(link, () => link.md5s !== undefined);
        if (link.failed !== undefined) throw named('Error', link.failed);
        partMd5s = link.md5s ?? [];
      }
      if (reported !== hashed) env.post({ type: 'progress', id, hashedBytes: hashed });
      const result = {
        sha1: sha1 ? sha1.digest() : '',
        partSize,
        partMd5s,
        engine: env.engine,
        bytesHashed: hashed,
        runner: 'worker',
        threads: lead ? 2 : 1,
      };
      env.post({ type: 'done', id, result });
    } finally {
      if (lead && link) {
        links.delete(id);
        if (!finished) lead.postMessage({ type: 'cancel', id });
      }
    }
  };

  env.listen((data) => {
    const message = (typeof data === 'object' && data !== null ? data : {}) as Partial<Omit<ThreadHashRequest, 'type'>> & {
      type?: unknown;
      role?: unknown;
      port?: unknown;
    };
    if (message.type === 'pair' && typeof message.port === 'object' && message.port !== null) {
      if (message.role === 'md5') serveLead(message.port as Port);
      else if (message.role === 'lead') leadWith(message.port as Port);
      return;
    }
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
