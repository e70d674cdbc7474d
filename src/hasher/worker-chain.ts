/**
 * Hashing while reading, in browsers (`createBrowserWorkerHasher({ threads: 3 })`): three copies
 * of the hash worker, chained. The
 * `lead` (the worker the page talks to) only reads the Blob and hands ~1 MiB chunks on, by
 * transfer (no copy), to the `sha1` worker; that one computes the SHA-1 and hands each chunk on to
 * the `md5` worker, which computes the part MD5s, acknowledges the bytes to the lead and sends it
 * the results at the end. Reading never waits for hashing, except to bound memory (at most
 * {@link IN_FLIGHT_BYTES} between the lead and the end of the chain).
 *
 * Messages between the three go over MessagePorts the page wires (see browser-worker.ts); the
 * page's own protocol (worker-protocol.ts) is unchanged.
 */
import { abortReason } from './hash-blob.js';
import { enginesByName, loadFirstEngine } from './load-engine.js';
import type { HashRequest, WorkerResponse } from './worker-protocol.js';
import type { HashEngine, IncrementalHash } from './types.js';

/** Below this size, one worker hashes alone: the chain's setup costs more than it saves. */
export const CHAIN_MIN_BYTES = 4 << 20;
const BATCH = 1 << 20;
const IN_FLIGHT_BYTES = 8 << 20;

/** The page wires a chain: `next` leads down the chain, `back` from its end to the lead. */
export interface ChainSetup {
  type: 'chain';
  role: 'lead' | 'sha1' | 'md5';
  /** lead → sha1 (for the lead), sha1 → md5 (for sha1). */
  next?: MessagePort | undefined;
  /** Into this stage: lead → sha1 (for sha1), sha1 → md5 (for md5). */
  prev?: MessagePort | undefined;
  /** md5 → lead (for both ends). */
  back?: MessagePort | undefined;
}

type Link =
  | { type: 'begin'; id: number; partSize: number; engines: string[] }
  | { type: 'chunk'; id: number; bytes: Uint8Array }
  | { type: 'end'; id: number; sha1?: string; engine?: string }
  | { type: 'cancel'; id: number }
  | { type: 'ack'; id: number; bytes: number }
  | { type: 'done'; id: number; sha1: string; partMd5s: string[]; engine: string }
  | { type: 'failed'; id: number; name: string; message: string };

const failure = (id: number, error: unknown): Link => ({
  type: 'failed',
  id,
  name: error instanceof Error ? error.name : 'Error',
  message: error instanceof Error ? error.message : String(error),
});

/** A stage's per-job state, fed in message order (each message waits for the one before). */
interface StageJob {
  queue: Promise<void>;
  engine?: HashEngine;
  hash?: IncrementalHash;
  fill: number;
  partMd5s: string[];
  cancelled: boolean;
}

/** The `sha1` and `md5` stages: hash what comes in, pass chunks (sha1) or answers (md5) on. */
function runStage(role: 'sha1' | 'md5', input: MessagePort, output: MessagePort): void {
  const jobs = new Map<number, StageJob & { partSize: number }>();
  input.onmessage = (event: MessageEvent<Link>) => {
    const message = event.data;
    if (message.type === 'failed') {
      // The sha1 stage failed: the md5 stage passes it on to the lead.
      jobs.delete(message.id);
      output.postMessage(message);
      return;
    }
    if (message.type === 'begin') {
      const job: StageJob & { partSize: number } = { queue: Promise.resolve(), fill: 0, partMd5s: [], cancelled: false, partSize: message.partSize };
      jobs.set(message.id, job);
      // Inside the promise: a bad engine name fails the job (answered to the lead), never throws here.
      job.queue = Promise.resolve(message.engines).then(async (names) => {
        const engine = await loadFirstEngine(enginesByName(names));
        job.engine = engine;
        job.hash = role === 'sha1' ? engine.sha1() : engine.md5();
      });
      job.queue.catch(() => undefined); // reported by the next message's handling
      if (role === 'sha1') output.postMessage(message);
      return;
    }
    const job = jobs.get(message.id);
    if (!job) {
      if (role === 'sha1' && message.type === 'cancel') output.postMessage(message);
      return;
    }
    if (message.type === 'cancel') {
      job.cancelled = true;
      jobs.delete(message.id);
      if (role === 'sha1') output.postMessage(message);
      return;
    }
    job.queue = job.queue.then(() => {
      if (job.cancelled) return;
      const hash = job.hash!;
      if (message.type === 'chunk') {
        const { bytes } = message;
        if (role === 'sha1') {
          hash.update(bytes);
          output.postMessage(message, [bytes.buffer]);
          return;
        }
        for (let pos = 0; pos < bytes.byteLength; ) {
          const take = Math.min(bytes.byteLength - pos, job.partSize - job.fill);
          hash.update(bytes.subarray(pos, pos + take));
          pos += take;
          job.fill += take;
          if (job.fill === job.partSize) {
            job.partMd5s.push(hash.digest());
            job.fill = 0;
          }
        }
        output.postMessage({ type: 'ack', id: message.id, bytes: bytes.byteLength } satisfies Link);
      } else if (message.type === 'end') {
        jobs.delete(message.id);
        if (role === 'sha1') {
          output.postMessage({ type: 'end', id: message.id, sha1: hash.digest(), engine: job.engine!.name } satisfies Link);
          return;
        }
        if (job.fill > 0) job.partMd5s.push(hash.digest());
        const engine = message.engine === job.engine!.name ? job.engine!.name : `${message.engine}+${job.engine!.name}`;
        output.postMessage({ type: 'done', id: message.id, sha1: message.sha1 ?? '', partMd5s: job.partMd5s, engine } satisfies Link);
      }
    });
    job.queue.catch((error: unknown) => {
      if (!jobs.delete(message.id)) return;
      output.postMessage(failure(message.id, error));
    });
  };
}

/** The lead's end of a chain: runs a job by reading and handing chunks down the chain. */
export interface ChainLead {
  run(request: HashRequest, post: (message: WorkerResponse) => void): void;
  abort(id: number): boolean;
}

function createLead(next: MessagePort, back: MessagePort): ChainLead {
  interface LeadJob {
    controller: AbortController;
    /** Bytes both hashes have seen. */
    acked: number;
    /** Last progress posted to the page. */
    reported: number;
    post: (message: WorkerResponse) => void;
    wake?: () => void;
    finished?: (link: Link) => void;
  }
  const jobs = new Map<number, LeadJob>();
  back.onmessage = (event: MessageEvent<Link>) => {
    const message = event.data;
    const job = jobs.get(message.id);
    if (!job) return;
    if (message.type === 'ack') {
      job.acked += message.bytes;
      if (job.acked - job.reported >= BATCH) {
        job.reported = job.acked;
        job.post({ type: 'progress', id: message.id, hashedBytes: job.acked });
      }
    } else if (message.type === 'done' || message.type === 'failed') job.finished?.(message);
    job.wake?.();
  };

  const read = async (request: HashRequest, post: (message: WorkerResponse) => void): Promise<void> => {
    const { id, blob, partSize } = request;
    const job: LeadJob = { controller: new AbortController(), acked: 0, reported: 0, post };
    const { signal } = job.controller;
    const ended = new Promise<Link>((resolve) => (job.finished = resolve));
    jobs.set(id, job);
    next.postMessage({ type: 'begin', id, partSize, engines: [...request.engines] } satisfies Link);
    let sent = 0;
    let batch: Uint8Array | undefined;
    let fill = 0;
    const settled = (): Promise<void> => new Promise((resolve) => (job.wake = resolve));
    const flushed = async (): Promise<void> => {
      if (!batch || fill === 0) return;
      const bytes = fill === batch.byteLength ? batch : batch.slice(0, fill);
      batch = undefined;
      fill = 0;
      sent += bytes.byteLength; // before the transfer detaches it
      next.postMessage({ type: 'chunk', id, bytes } satisfies Link, [bytes.buffer]);
      // Bounded memory: wait for the end of the chain while too much is on its way.
      while (sent - job.acked > IN_FLIGHT_BYTES && !signal.aborted) await settled();
    };
    const reader = blob.stream().getReader();
    const onAbort = (): void => {
      reader.cancel().catch(() => undefined);
      job.wake?.();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (signal.aborted) throw abortReason(signal);
        if (done) break;
        if (sent + fill + value.byteLength > blob.size) throw new DOMException('The Blob yielded more bytes than its size', 'NotReadableError');
        for (let at = 0; at < value.byteLength; ) {
          batch ??= new Uint8Array(Math.min(BATCH, blob.size - sent));
          const take = Math.min(value.byteLength - at, batch.byteLength - fill);
          batch.set(value.subarray(at, at + take), fill);
          at += take;
          fill += take;
          if (fill === batch.byteLength) await flushed();
        }
      }
      await flushed();
      if (sent !== blob.size) throw new DOMException(`The Blob yielded ${sent} bytes, not its size ${blob.size}`, 'NotReadableError');
      next.postMessage({ type: 'end', id } satisfies Link);
      const answer = await Promise.race([ended, new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(abortReason(signal)), { once: true }))]);
      if (answer.type === 'failed') throw Object.assign(new Error(answer.message), { name: answer.name });
      if (answer.type !== 'done') throw new Error('the hash chain ended without a result');
      if (job.reported !== sent) post({ type: 'progress', id, hashedBytes: sent });
      post({ type: 'done', id, result: { sha1: answer.sha1, partSize, partMd5s: answer.partMd5s, engine: answer.engine, bytesHashed: sent, runner: 'worker', threads: 3 } });
    } catch (error) {
      next.postMessage({ type: 'cancel', id } satisfies Link);
      const known = error instanceof Error;
      post({ type: 'error', id, name: known ? error.name : 'Error', message: known ? error.message : String(error) });
    } finally {
      signal.removeEventListener('abort', onAbort);
      jobs.delete(id);
    }
  };

  return {
    run(request, post) {
      void read(request, post);
    },
    abort(id) {
      const job = jobs.get(id);
      job?.controller.abort(new DOMException('The hash job was aborted', 'AbortError'));
      return job !== undefined;
    },
  };
}

/** Applies a chain setup in this worker; returns the lead's side when this worker is the lead. */
export function joinChain(setup: ChainSetup): ChainLead | undefined {
  if (setup.role === 'lead' && setup.next && setup.back) return createLead(setup.next, setup.back);
  if (setup.role === 'sha1' && setup.prev && setup.next) runStage('sha1', setup.prev, setup.next);
  if (setup.role === 'md5' && setup.prev && setup.back) runStage('md5', setup.prev, setup.back);
  return undefined;
}
