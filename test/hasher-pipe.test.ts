/**
 * The browser's two-worker pipeline (src/hasher/pipe.ts through split-hasher.ts with `pipe`):
 * one worker reads the file once and computes the part MD5s, the other gets every chunk through a
 * real MessageChannel and computes the SHA-1. Workers here are in-process stand-ins running the
 * real worker message handler, so the messages, ports and transfers are the real ones.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkerHasher, createWorkerMessageHandler, wasmEngine } from '../src/hasher/index.js';
import type { WorkerHasher, WorkerLike, WorkerRequest } from '../src/hasher/index.js';
import { hashFromPipe, sendThroughPipe } from '../src/hasher/pipe.js';
import { createSplitHasher } from '../src/hasher/split-hasher.js';
import { expected, oddBlob, randomBytes, SlowBlob } from './hasher-helpers.js';

const MiB = 1048576;

/** A Blob that counts how often it is read. */
class CountingBlob extends Blob {
  streams = 0;
  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    this.streams++;
    return super.stream();
  }
}

type Mode = 'ok' | 'dead' | 'no-pipes';

/**
 * Runs the real handler on this thread, with the pipeline's ends as the default browser worker
 * has them. `dead`: never starts (its jobs then run inline, unpiped); `no-pipes`: a worker
 * without them (the pure-JS one), which ignores a job's pipe.
 */
class StandInWorker implements WorkerLike {
  readonly jobs: WorkerRequest[] = [];
  private readonly listeners = new Map<string, ((event: Event) => void)[]>();
  private readonly handler: ReturnType<typeof createWorkerMessageHandler>;
  private readonly dead: boolean;
  private terminated = false;

  constructor(mode: Mode) {
    this.dead = mode === 'dead';
    const pipes = mode === 'ok' ? { send: sendThroughPipe, receive: hashFromPipe } : undefined;
    this.handler = createWorkerMessageHandler((message) => this.emit('message', message), { engines: [wasmEngine], pipes });
    const dead = this.dead;
    setTimeout(() => (dead ? this.emit('error') : this.emit('message', { type: 'ready' })), 1);
  }
  postMessage(message: WorkerRequest): void {
    this.jobs.push(message);
    if (!this.dead) setTimeout(() => !this.terminated && this.handler.handle(message), 0);
  }
  addEventListener(type: string, listener: (event: Event) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  terminate(): void {
    this.terminated = true;
    for (const id of this.handler.activeJobs()) this.handler.handle({ type: 'abort', id });
  }
  private emit(type: string, data?: unknown): void {
    const event = type === 'message' ? new MessageEvent('message', { data }) : new Event(type);
    setTimeout(() => {
      if (this.terminated) return;
      for (const listener of this.listeners.get(type) ?? []) listener(event);
    }, 0);
  }
}

describe('two-worker pipeline', () => {
  const made: WorkerHasher[] = [];
  afterEach(() => {
    for (const hasher of made.splice(0)) hasher.close();
  });

  function pipeline(modes: readonly [Mode, Mode] = ['ok', 'ok']) {
    const workers: StandInWorker[][] = [[], []];
    const side = (index: 0 | 1): WorkerHasher => {
      const hasher = createWorkerHasher({
        engines: ['wasm'],
        createWorker: () => {
          const worker = new StandInWorker(modes[index]);
          workers[index]!.push(worker);
          return worker;
        },
      });
      made.push(hasher);
      return hasher;
    };
    return { workers, hasher: createSplitHasher(side(0), side(1), { minBytes: 1, pipe: true }) };
  }

  it('reads the file once and gives the same SHA-1 and part MD5s as one pass (sizes off the chunk and part grid, 1 byte, whole chunks)', async () => {
    for (const size of [1, 5 * MiB + 3, 8 * MiB, 9 * MiB + 524288 + 17]) {
      const { workers, hasher } = pipeline();
      const bytes = randomBytes(size);
      const blob = new CountingBlob([oddBlob(bytes)]);
      const progress: number[] = [];
      const result = await hasher.hash(blob, { partSize: MiB, onProgress: (n) => progress.push(n) });
      expect(result).toMatchObject({ ...expected(bytes, MiB), bytesHashed: size, runner: 'worker', threads: 2, piped: true });
      expect(blob.streams).toBe(1);
      // The SHA-1 side's worker received, the MD5 side's worker sent.
      expect(workers.map((list) => list.flatMap((w) => w.jobs.map((job) => job.type === 'hash' && [job.only, job.pipe?.role])))).toEqual([
        [['sha1', 'receive']],
        [['partMd5s', 'send']],
      ]);
      expect(progress.at(-1)).toBe(size);
      expect([...progress].sort((x, y) => x - y)).toEqual(progress);
    }
  });

  it.each([
    ['the SHA-1 side', ['dead', 'ok']],
    ['the MD5 side', ['ok', 'dead']],
  ] as const)(
    'when %s cannot start (it hashes inline, unpiped), the other side stops waiting on the pipe and hashes alone',
    async (_, modes) => {
      const { hasher } = pipeline(modes);
      const bytes = randomBytes(12 * MiB + 5); // more chunks than the pipe holds: the sender must wait
      const result = await hasher.hash(new Blob([bytes]), { partSize: 524288 });
      expect(result).toMatchObject({ ...expected(bytes, 524288), bytesHashed: bytes.length, runner: 'inline', threads: 2 });
      expect(result.piped).toBeUndefined();
      expect(result.fallbackReason).toContain('did not start');
    },
  );

  it.each([
    ['the receiving', ['no-pipes', 'ok']],
    ['the sending', ['ok', 'no-pipes']],
  ] as const)('when %s worker has no pipeline (the pure-JS worker), both sides hash on their own, same result', async (_, modes) => {
    const { hasher } = pipeline(modes);
    const bytes = randomBytes(12 * MiB + 5);
    const result = await hasher.hash(new Blob([bytes]), { partSize: MiB });
    expect(result).toMatchObject({ ...expected(bytes, MiB), bytesHashed: bytes.length, runner: 'worker', threads: 2 });
    expect(result.piped).toBeUndefined();
  });

  it('a stream that is not a byte stream (as WebKit Blobs give) goes over in full 2 MiB chunks', async () => {
    const bytes = randomBytes(9 * MiB + 17);
    let served = 0;
    // A default (not byte) stream of 64 KiB chunks, as a stream of its own: byob reads are refused.
    const source = {
      size: bytes.length,
      stream: () =>
        new ReadableStream<Uint8Array>({
          pull(controller) {
            if (served >= bytes.length) return controller.close();
            controller.enqueue(bytes.slice(served, served + 65536));
            served += 65536;
          },
        }),
    };
    const { port1, port2 } = new MessageChannel();
    const forwarded: number[] = [];
    const post = port1.postMessage.bind(port1);
    port1.postMessage = ((message: { type: string; length?: number }, transfer: Transferable[]) => {
      if (message.type === 'chunk') forwarded.push(message.length ?? -1);
      post(message, transfer);
    }) as typeof port1.postMessage;
    const returned: ArrayBuffer[] = [];
    const back = port2.postMessage.bind(port2);
    port2.postMessage = ((message: { type: string; buffer?: ArrayBuffer }, transfer: Transferable[]) => {
      if (message.type === 'buffer' && message.buffer) returned.push(message.buffer);
      back(message, transfer);
    }) as typeof port2.postMessage;
    const [sent, received] = await Promise.all([
      sendThroughPipe(source, await wasmEngine.load(), { partSize: MiB, only: 'partMd5s' }, port1),
      hashFromPipe(bytes.length, await wasmEngine.load(), { partSize: MiB, only: 'sha1' }, port2),
    ]);
    const { sha1, partMd5s } = expected(bytes, MiB);
    expect(sent.partMd5s).toEqual(partMd5s);
    expect(received.sha1).toBe(sha1);
    // 4 full chunks and the rest, not 145 chunks of 64 KiB (each a message both ways, each buffer
    // sent back and, before, kept by the sender until the end: the whole file in memory).
    expect(forwarded).toEqual([2 * MiB, 2 * MiB, 2 * MiB, 2 * MiB, MiB + 17]);
    expect(returned.length).toBeLessThanOrEqual(forwarded.length);
  });

  it('abort stops both workers and the single read', async () => {
    const { hasher } = pipeline();
    const blob = new SlowBlob(64 * MiB, 65536, 1);
    const controller = new AbortController();
    let seen = 0;
    const job = hasher.hash(blob, { partSize: MiB, signal: controller.signal, onProgress: (n) => (seen = n) });
    for (let i = 0; i < 1000 && seen === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(seen).toBeGreaterThan(0);
    controller.abort();
    await expect(job).rejects.toMatchObject({ name: 'AbortError' });
    for (let i = 0; i < 200 && !blob.cancelled; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(blob.cancelled).toBe(true);
    expect(blob.pulled).toBeLessThan(64 * MiB);
  });

  it('a failing read rejects with its error on the reading side, and the SHA-1 side does not hang', async () => {
    const { hasher } = pipeline();
    let sent = 0;
    const broken = {
      size: 8 * MiB,
      stream: () =>
        new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent >= 3 * MiB) return controller.error(new DOMException('file went away', 'NotReadableError'));
            sent += MiB;
            controller.enqueue(new Uint8Array(MiB));
          },
        }),
    };
    // Posted to a stand-in worker as it is (a real Worker would need a Blob).
    const blob = Object.setPrototypeOf(broken, Blob.prototype) as Blob;
    await expect(hasher.hash(blob, { partSize: MiB })).rejects.toMatchObject({
      name: 'NotReadableError',
      message: expect.stringContaining('file went away'),
    });
  });
});
