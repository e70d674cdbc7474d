/**
 * The server runtimes' hash worker (Node worker_threads, Deno and Bun Web Workers). It is the
 * browser worker's message handling and single-pass loop (hasher/worker-protocol.ts and
 * hash-blob.ts) with three differences: it hashes with the runtime's native engine, it opens a
 * file by path itself (Node's and Deno's file sources cannot be posted to a worker), and two such
 * workers can share one read (see hash-pair.ts). The build emits one script per runtime
 * (`dist/<runtime>-hash-worker.js`), which the runtime's spawner starts by path.
 */
import { hashBlob } from '../../hasher/hash-blob.js';
import { createWorkerMessageHandler, type HashRequest, type WorkerRequest } from '../../hasher/worker-protocol.js';
import type { HashScope, HashSource } from '../../hasher/types.js';
import { hashWithPartner, NO_TIMED_YIELDS, pairLinks, servePartMd5s, type Port } from './hash-pair.js';
import type { FileRef, HashWorkerEnv, WorkerFile } from './hash-worker-types.js';

/** Bytes read from a file per chunk. */
export const FILE_CHUNK = 1 << 20;
/** Below this size, handing chunks to a second worker costs more than it saves. */
const PAIR_MIN_BYTES = 4 * FILE_CHUNK;

export function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * The file at `ref.path` as a hash source: read by position in chunks of {@link FILE_CHUNK}, each
 * into `bufferFor()` (default: one buffer reused, as a chunk is hashed before the next is read),
 * refused when its size or mtime differ from `ref` before or after the read.
 */
export function fileSource(ref: FileRef, openFile: (path: string) => Promise<WorkerFile>, bufferFor?: () => Uint8Array): HashSource {
  return {
    size: ref.size,
    stream() {
      let file: WorkerFile | undefined;
      let position = 0;
      const reused = bufferFor ? undefined : new Uint8Array(Math.max(1, Math.min(FILE_CHUNK, ref.size)));
      const changed = async (open: WorkerFile): Promise<boolean> => {
        const now = await open.stat();
        return now.size !== ref.size || now.mtimeMs !== ref.mtimeMs;
      };
      const close = async (): Promise<void> => {
        const open = file;
        file = undefined;
        await open?.close();
      };
      // highWaterMark 0: a chunk is read only when the hasher asks for it (so a reused buffer is free again).
      return new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            try {
              if (!file) {
                file = await openFile(ref.path);
                if (await changed(file)) throw namedError('NotReadableError', `${ref.path} changed since it was opened`);
              }
              if (position >= ref.size) {
                if (await changed(file)) throw namedError('NotReadableError', `${ref.path} changed while it was hashed`);
                await close();
                controller.close();
                return;
              }
              const length = Math.min(FILE_CHUNK, ref.size - position);
              const buffer = reused ?? (bufferFor ? bufferFor() : new Uint8Array(length));
              const count = await file.read(buffer.subarray(0, length), position);
              if (!(count > 0)) throw namedError('NotReadableError', `${ref.path} ended at byte ${position} of ${ref.size}`);
              position += count;
              controller.enqueue(buffer.subarray(0, count));
            } catch (error) {
              await close().catch(() => undefined);
              throw error;
            }
          },
          cancel: () => close(),
        },
        { highWaterMark: 0 },
      );
    },
  };
}

/** A server hash request: the core's, where a file may come as a {@link FileRef} (its `blob` is then `{ size }` only). */
interface ServerHashRequest extends HashRequest {
  file?: FileRef | undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function isFileRef(value: unknown): value is FileRef {
  return isObject(value) && typeof value.path === 'string' && Number.isSafeInteger(value.size) && typeof value.mtimeMs === 'number';
}

/** Reads a job or an abort; `undefined` for anything else (a hash job then gets an error answer). */
function parseServerRequest(data: unknown): WorkerRequest | undefined {
  if (!isObject(data) || !Number.isSafeInteger(data.id)) return undefined;
  const id = data.id as number;
  if (data.type === 'abort') return { type: 'abort', id };
  const only = data.only;
  if (data.type !== 'hash' || typeof data.partSize !== 'number') return undefined;
  if (only !== undefined && only !== 'all' && only !== 'sha1' && only !== 'partMd5s') return undefined;
  const base = { type: 'hash' as const, id, partSize: data.partSize, engines: [], only: only as HashScope | undefined };
  if (isFileRef(data.file)) return { ...base, blob: { size: data.file.size, stream: unreadable }, file: data.file } as ServerHashRequest;
  if (data.blob instanceof Blob) return { ...base, blob: data.blob };
  return undefined;
}

function unreadable(): never {
  throw namedError('NotSupportedError', 'a file job is read through its path');
}

/** Starts the worker's side: answers `ready`, then runs the jobs and pairings it is sent. */
export function startServerHashWorker(env: HashWorkerEnv): void {
  const links = pairLinks();
  const handler = createWorkerMessageHandler((message) => env.post(message), {
    parseRequest: parseServerRequest,
    async hashJob(request: ServerHashRequest, options) {
      const engine = await env.engine.load();
      const { file } = request;
      const open = env.openFile;
      if (file && !open) throw namedError('NotSupportedError', 'this worker cannot open files');
      const partner = links.partner();
      if (partner && (options.only ?? 'all') === 'all' && request.blob.size >= PAIR_MIN_BYTES) {
        const source = (bufferFor: () => Uint8Array): HashSource =>
          file && open ? fileSource(file, open, bufferFor) : (request.blob as Blob);
        return hashWithPartner(partner, links, request.id, source, file !== undefined, engine, options);
      }
      const source = file && open ? fileSource(file, open) : request.blob;
      return { ...(await hashBlob(source, engine, options, NO_TIMED_YIELDS)), threads: 1 };
    },
  });
  env.listen((data) => {
    if (isObject(data) && data.type === 'pair' && isObject(data.port)) {
      const port = data.port as unknown as Port;
      if (data.role === 'md5') servePartMd5s(port, env.engine);
      else if (data.role === 'lead') links.attach(port);
      return;
    }
    handler.handle(data);
  });
  env.post({ type: 'ready' });
}
