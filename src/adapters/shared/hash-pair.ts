/**
 * Two server hash workers sharing one read (see {@link PairMessage}): the lead reads the source
 * and computes the SHA-1, and hands every chunk (transferred, not copied) to its partner, which
 * computes the part MD5s. Both sides run the one hashing loop (hasher/hash-blob.ts): the lead over
 * a stream that passes each chunk on once it is hashed (see `PairMessage` in hash-worker-types.ts), the partner over a stream of the chunks
 * it receives. Buffers travel back to be read into again: fresh 1 MiB buffers cost page faults.
 */
import { hashBlob } from '../../hasher/hash-blob.js';
import type { HashEngine, HashEngineLoader, HashOptions, HashResult, HashSource } from '../../hasher/types.js';

/** Chunks handed to the partner and not hashed there yet: bounds the memory of a pair. */
const IN_FLIGHT = 4;
const CHUNK = 1 << 20;
/**
 * The server workers' loop takes no timed yields: every read is file I/O or a message, and an
 * abort gets in between them (see HashLoopOptions in hash-blob.ts).
 */
export const NO_TIMED_YIELDS = { yieldAfterMs: Number.POSITIVE_INFINITY };

/** A MessagePort: node:worker_threads ports have `on`, web ports `addEventListener` and `start`. */
export interface Port {
  postMessage(message: unknown, transfer?: unknown[]): void;
  on?: (type: 'message', listener: (data: unknown) => void) => void;
  addEventListener?: (type: 'message', listener: (event: { data: unknown }) => void) => void;
  start?: () => void;
}

interface PairWire {
  type?: string;
  id?: number;
  partSize?: number;
  size?: number;
  bytes?: Uint8Array;
  partMd5s?: string[];
  message?: string;
}

function listenPort(port: Port, onMessage: (message: PairWire) => void): void {
  const handle = (data: unknown): void => onMessage((typeof data === 'object' && data !== null ? data : {}) as PairWire);
  if (typeof port.on === 'function') port.on('message', handle);
  else {
    port.addEventListener?.('message', (event) => handle(event.data));
    port.start?.();
  }
}

/** The lead's state of one job handed over to the partner. */
interface Link {
  sent: number;
  acks: number;
  /** Buffers the partner has handed back. */
  free: Uint8Array[];
  md5s?: string[] | undefined;
  failed?: string | undefined;
  wake?: (() => void) | undefined;
}

/** The lead's side of a pairing: its partner's port and the jobs handed over to it. */
export interface PairLinks {
  attach(port: Port): void;
  partner(): Port | undefined;
  open(id: number): Link;
  close(id: number): void;
}

export function pairLinks(): PairLinks {
  let partner: Port | undefined;
  const links = new Map<number, Link>();
  return {
    attach(port) {
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
    },
    partner: () => partner,
    open(id) {
      const link: Link = { sent: 0, acks: 0, free: [] };
      links.set(id, link);
      return link;
    },
    close: (id) => links.delete(id),
  };
}

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

function failure(message: string): Error {
  return new Error(message);
}

/**
 * The lead hashes `source(bufferFor)` (the SHA-1) while `partner` computes its part MD5s. Chunks
 * of a file are read into pooled buffers and handed over as they are; a Blob's chunks may share
 * memory, so they are copied into pooled buffers first.
 */
export async function hashWithPartner(
  partner: Port,
  links: PairLinks,
  id: number,
  source: (bufferFor: () => Uint8Array) => HashSource,
  ownsChunks: boolean,
  engine: HashEngine,
  options: HashOptions,
): Promise<HashResult> {
  const link = links.open(id);
  const pooled = (): Uint8Array => link.free.pop() ?? new Uint8Array(CHUNK);
  const inner = source(pooled);
  partner.postMessage({ type: 'begin', id, partSize: options.partSize, size: inner.size });
  let finished = false;
  // The chunk the lead's loop is hashing: it is handed over when the loop asks for the next one.
  let pending: Uint8Array | undefined;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const handOver = async (): Promise<void> => {
    if (!pending) return;
    const bytes = pending;
    pending = undefined;
    partner.postMessage({ type: 'chunk', id, bytes }, [bytes.buffer]);
    link.sent += 1;
    await until(link, () => link.sent - link.acks < IN_FLIGHT);
    if (link.failed !== undefined) throw failure(link.failed);
  };
  const relay: HashSource = {
    size: inner.size,
    stream: () =>
      new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            await handOver();
            reader ??= inner.stream().getReader();
            const { done, value } = await reader.read();
            if (done) return controller.close();
            pending = ownsChunks ? value : value.byteLength <= CHUNK ? copyInto(pooled(), value) : value.slice();
            controller.enqueue(pending);
          },
          cancel: (reason) => reader?.cancel(reason),
        },
        { highWaterMark: 0 },
      ),
  };
  try {
    const result = await hashBlob(relay, engine, { ...options, only: 'sha1' }, NO_TIMED_YIELDS);
    partner.postMessage({ type: 'end', id });
    finished = true;
    await until(link, () => link.md5s !== undefined);
    if (link.failed !== undefined) throw failure(link.failed);
    return { ...result, partMd5s: link.md5s ?? [], threads: 2 };
  } finally {
    links.close(id);
    if (!finished) partner.postMessage({ type: 'cancel', id });
  }
}

function copyInto(buffer: Uint8Array, chunk: Uint8Array): Uint8Array {
  buffer.set(chunk);
  return buffer.subarray(0, chunk.byteLength);
}

/** The partner's side: the part MD5s of the chunks its lead hands over, one job per `begin`. */
export function servePartMd5s(port: Port, engine: HashEngineLoader): void {
  const jobs = new Map<number, { chunks: Uint8Array[]; ended: boolean; cancelled: boolean; wake?: (() => void) | undefined }>();
  const run = async (id: number, partSize: number, size: number): Promise<void> => {
    const job = { chunks: [] as Uint8Array[], ended: false, cancelled: false, wake: undefined as (() => void) | undefined };
    jobs.set(id, job);
    let last: Uint8Array | undefined;
    const received: HashSource = {
      size,
      stream: () =>
        new ReadableStream<Uint8Array>(
          {
            async pull(controller) {
              // The chunk before this one is hashed: its buffer goes back to the lead.
              if (last) port.postMessage({ type: 'ack', id, bytes: last }, [last.buffer]);
              last = undefined;
              while (job.chunks.length === 0 && !job.ended && !job.cancelled) await new Promise<void>((resolve) => (job.wake = resolve));
              if (job.cancelled) throw failure('cancelled by the lead');
              last = job.chunks.shift();
              if (last) controller.enqueue(last);
              else controller.close();
            },
          },
          { highWaterMark: 0 },
        ),
    };
    try {
      const result = await hashBlob(received, await engine.load(), { partSize, only: 'partMd5s' }, NO_TIMED_YIELDS);
      port.postMessage({ type: 'md5s', id, partMd5s: result.partMd5s });
    } catch (error) {
      if (!job.cancelled) port.postMessage({ type: 'failed', id, message: error instanceof Error ? error.message : String(error) });
    } finally {
      jobs.delete(id);
    }
  };
  listenPort(port, (message) => {
    const id = message.id;
    if (typeof id !== 'number') return;
    if (message.type === 'begin') {
      void run(id, message.partSize ?? CHUNK, message.size ?? 0);
      return;
    }
    const job = jobs.get(id);
    if (!job) {
      if (message.type === 'end') port.postMessage({ type: 'failed', id, message: 'unknown job' });
      return;
    }
    if (message.type === 'chunk' && message.bytes) job.chunks.push(message.bytes);
    else if (message.type === 'end') job.ended = true;
    else if (message.type === 'cancel') job.cancelled = true;
    job.wake?.();
    job.wake = undefined;
  });
}
