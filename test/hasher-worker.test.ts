import { afterEach, describe, expect, it } from 'vitest';
import { createWorkerHasher, createWorkerMessageHandler, sparkEngine, wasmEngine } from '../src/hasher/index.js';
import type {
  HashEngineLoader,
  WorkerHasher,
  WorkerLike,
  WorkerMessageHandler,
  WorkerRequest,
  WorkerResponse,
} from '../src/hasher/index.js';
import { SlowBlob, expected, oddBlob, randomBytes } from './hasher-helpers.js';

const MiB = 1048576;
const BOTH_ENGINES = [wasmEngine, sparkEngine];

/** Waits until `check` is true, polling; bounded in time. */
async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('worker message handler (pure)', () => {
  it('hash → progress messages then done with the right hashes', async () => {
    const posted: WorkerResponse[] = [];
    const handler = createWorkerMessageHandler((m) => posted.push(m), { engines: BOTH_ENGINES });
    const bytes = randomBytes(2 * MiB + 9);
    handler.handle({ type: 'hash', id: 7, blob: oddBlob(bytes), partSize: 524288, engines: ['wasm', 'spark'] });
    expect(handler.activeJobs()).toEqual([7]);
    await until(() => posted.some((m) => m.type === 'done'));
    const progress = posted.filter((m) => m.type === 'progress').map((m) => (m.type === 'progress' ? m.hashedBytes : 0));
    expect(progress.at(-1)).toBe(2 * MiB + 9);
    expect(progress.length).toBeGreaterThanOrEqual(4); // at least at each of the 4 part ends crossed
    expect(posted.at(-1)).toEqual({
      type: 'done',
      id: 7,
      result: { ...expected(bytes, 524288), partSize: 524288, engine: 'wasm', bytesHashed: 2 * MiB + 9, runner: 'worker' },
    });
    expect(handler.activeJobs()).toEqual([]);
  });

  it('abort → the read is cancelled and an AbortError is posted', async () => {
    const posted: WorkerResponse[] = [];
    const handler = createWorkerMessageHandler((m) => posted.push(m), { engines: BOTH_ENGINES });
    const blob = new SlowBlob(64 * MiB);
    handler.handle({ type: 'hash', id: 1, blob, partSize: 524288, engines: ['spark'] });
    await until(() => posted.some((m) => m.type === 'progress'));
    handler.handle({ type: 'abort', id: 1 });
    await until(() => posted.some((m) => m.type === 'error'));
    expect(posted.at(-1)).toMatchObject({ type: 'error', id: 1, name: 'AbortError' });
    expect(blob.cancelled).toBe(true);
    expect(blob.pulled).toBeLessThan(8 * MiB);
    expect(handler.activeJobs()).toEqual([]);
  });

  it('ignores junk; answers a hash job it cannot run (so the page never waits forever); reports unknown engines and duplicate ids', async () => {
    const posted: WorkerResponse[] = [];
    const handler = createWorkerMessageHandler((m) => posted.push(m), { engines: BOTH_ENGINES });
    for (const junk of [null, 'hash', { type: 'hash', id: 'x' }]) handler.handle(junk);
    expect(posted).toEqual([]);
    // A source that lost its methods in structured clone (a FileSource object, not a Blob).
    handler.handle({ type: 'hash', id: 1, blob: { size: 5 }, partSize: MiB, engines: [] });
    expect(posted).toEqual([{ type: 'error', id: 1, name: 'TypeError', message: expect.stringContaining('must be a Blob') }]);
    posted.length = 0;
    handler.handle({ type: 'hash', id: 2, blob: new Blob(['a']), partSize: MiB, engines: ['md5.exe'] });
    await until(() => posted.length > 0);
    expect(posted[0]).toMatchObject({ type: 'error', id: 2, message: expect.stringContaining('wasm, spark') });
    handler.handle({ type: 'hash', id: 3, blob: new SlowBlob(MiB), partSize: MiB, engines: ['spark'] });
    handler.handle({ type: 'hash', id: 3, blob: new Blob(['a']), partSize: MiB, engines: ['spark'] });
    expect(posted.at(-1)).toMatchObject({ type: 'error', id: 3, message: expect.stringContaining('already running') });
    handler.handle({ type: 'abort', id: 3 });
  });
});

type Mode = 'ok' | 'fail-start' | 'crash-after-ready';

/** A stand-in for a Worker: runs the real message handler with asynchronous delivery both ways. */
class FakeWorker implements WorkerLike {
  readonly posted: WorkerRequest[] = [];
  terminated = false;
  private readonly listeners = new Map<string, ((event: Event) => void)[]>();
  private readonly handler: WorkerMessageHandler;

  constructor(
    private readonly mode: Mode,
    engines: readonly HashEngineLoader[] = BOTH_ENGINES,
  ) {
    this.handler = createWorkerMessageHandler((message) => this.emit('message', message), { engines });
    setTimeout(() => {
      if (mode === 'fail-start') this.emit('error');
      else this.emit('message', { type: 'ready' });
    }, 1);
  }
  postMessage(message: WorkerRequest): void {
    this.posted.push(message);
    if (this.mode === 'fail-start') return;
    if (this.mode === 'crash-after-ready' && message.type === 'hash') {
      setTimeout(() => this.emit('error'), 5);
      return;
    }
    setTimeout(() => !this.terminated && this.handler.handle(message), 0);
  }
  addEventListener(type: string, listener: (event: Event) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  terminate(): void {
    this.terminated = true;
    for (const request of this.handler.activeJobs()) this.handler.handle({ type: 'abort', id: request });
  }
  private emit(type: string, data?: unknown): void {
    if (this.terminated) return;
    const event = type === 'message' ? new MessageEvent('message', { data }) : new Event(type);
    setTimeout(
      () =>
        this.listeners.get(type)?.forEach((listener) => {
          listener(event);
        }),
      0,
    );
  }
}

describe('createWorkerHasher', () => {
  let hasher: WorkerHasher | undefined;
  afterEach(() => hasher?.close());

  function make(modes: Mode[], idleTimeoutMs = 10_000): { workers: FakeWorker[]; hasher: WorkerHasher } {
    const workers: FakeWorker[] = [];
    hasher = createWorkerHasher({
      idleTimeoutMs,
      createWorker: () => {
        const worker = new FakeWorker(modes[workers.length] ?? 'ok');
        workers.push(worker);
        return worker;
      },
    });
    return { workers, hasher };
  }

  it('runs jobs on the worker, forwards progress, reuses the worker, terminates it when idle', async () => {
    const { workers, hasher: h } = make(['ok'], 50);
    const a = randomBytes(MiB + 1);
    const b = randomBytes(3);
    const progress: number[] = [];
    const [ra, rb] = await Promise.all([
      h.hash(oddBlob(a), { partSize: 524288, onProgress: (n) => progress.push(n) }),
      h.hash(new Blob([b]), { partSize: MiB }),
    ]);
    expect(ra).toMatchObject({ ...expected(a, 524288), runner: 'worker', engine: 'wasm', bytesHashed: MiB + 1 });
    expect(rb).toMatchObject({ ...expected(b, MiB), runner: 'worker' });
    expect(progress.at(-1)).toBe(MiB + 1);
    expect(workers).toHaveLength(1);
    expect(workers[0]?.posted[0]).toMatchObject({ type: 'hash', engines: ['wasm', 'spark'], partSize: 524288 });
    await until(() => workers[0]?.terminated === true);
    await h.hash(new Blob([b]), { partSize: MiB });
    expect(workers).toHaveLength(2); // a fresh worker after the idle one went away
  });

  it('createWorker throwing → inline, for good', async () => {
    let calls = 0;
    hasher = createWorkerHasher({
      createWorker: () => {
        calls++;
        throw new DOMException('Workers forbidden', 'SecurityError');
      },
    });
    const bytes = randomBytes(1000);
    expect(await hasher.hash(new Blob([bytes]), { partSize: MiB })).toMatchObject({ ...expected(bytes, MiB), runner: 'inline' });
    await hasher.hash(new Blob([bytes]), { partSize: MiB });
    expect(calls).toBe(1);
  });

  it('a worker failing at startup → pending and later jobs run inline', async () => {
    const { workers, hasher: h } = make(['fail-start']);
    const bytes = randomBytes(MiB + 3);
    const result = await h.hash(oddBlob(bytes), { partSize: MiB });
    expect(result).toMatchObject({ ...expected(bytes, MiB), runner: 'inline', engine: 'wasm' });
    expect(workers[0]?.terminated).toBe(true);
    await h.hash(new Blob(['x']), { partSize: MiB });
    expect(workers).toHaveLength(1);
  });

  it('a worker crashing mid-job → the job restarts inline; the next job gets a new worker', async () => {
    const { workers, hasher: h } = make(['crash-after-ready', 'ok']);
    const bytes = randomBytes(700_000);
    await until(() => true);
    await new Promise((resolve) => setTimeout(resolve, 10)); // let it announce ready
    expect(await h.hash(new Blob([bytes]), { partSize: 524288 })).toMatchObject({ ...expected(bytes, 524288), runner: 'inline' });
    expect(await h.hash(new Blob([bytes]), { partSize: 524288 })).toMatchObject({ runner: 'worker' });
    expect(workers).toHaveLength(2);
  });

  it('abort: rejects at once with the reason and tells the worker, which stops reading', async () => {
    const { workers, hasher: h } = make(['ok']);
    const blob = new SlowBlob(64 * MiB);
    const controller = new AbortController();
    let seen = 0;
    const job = h.hash(blob, { partSize: MiB, signal: controller.signal, onProgress: (n) => (seen = n) });
    await until(() => seen > 0);
    controller.abort();
    await expect(job).rejects.toMatchObject({ name: 'AbortError' });
    expect(workers[0]?.posted.at(-1)).toEqual({ type: 'abort', id: 1 });
    await until(() => blob.cancelled);
    expect(blob.pulled).toBeLessThan(8 * MiB);
    await expect(h.hash(blob, { partSize: MiB, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('a job error in the worker rejects with its name and message', async () => {
    const { hasher: h } = make(['ok']);
    class Liar extends Blob {
      override get size(): number {
        return 99;
      }
    }
    await expect(h.hash(new Liar(['abc']), { partSize: MiB })).rejects.toMatchObject({ name: 'NotReadableError' });
    await expect(h.hash(new Blob(['a']), { partSize: 3 })).rejects.toMatchObject({ parameter: 'partSize' });
  });
});

describe('createWorkerHasher: sources a worker cannot take', () => {
  it('a FileSource that is not a Blob is hashed by the fallback, never posted', async () => {
    const created: FakeWorker[] = [];
    const hasher = createWorkerHasher({ createWorker: () => (created.push(new FakeWorker('ok')), created.at(-1)!), engines: ['spark'] });
    const bytes = new Uint8Array(1000).map((_, i) => i % 256);
    const source = { size: bytes.length, stream: () => new Blob([bytes]).stream() };
    const result = await hasher.hash(source, { partSize: MiB });
    expect(result.runner).toBe('inline');
    expect(result.bytesHashed).toBe(1000);
    expect(created.flatMap((worker) => worker.posted)).toEqual([]);
    hasher.close();
  });
});

describe('createWorkerHasher: the pure-JS worker where WebAssembly cannot load', () => {
  /** The default worker's engine, failing as WebAssembly.compile does under a CSP without 'wasm-unsafe-eval'. */
  const forbiddenWasm: HashEngineLoader = {
    name: 'wasm',
    load: () => Promise.reject(new WebAssembly.CompileError("WebAssembly.compile(): Refused to compile (no 'wasm-unsafe-eval')")),
  };

  it('the worker answers EngineUnavailableError; pending and later jobs run on the fallback worker, still off the page', async () => {
    const defaults: FakeWorker[] = [];
    const fallbacks: FakeWorker[] = [];
    const hasher = createWorkerHasher({
      createWorker: () => (defaults.push(new FakeWorker('ok', [forbiddenWasm])), defaults.at(-1)!),
      createFallbackWorker: () => (fallbacks.push(new FakeWorker('ok', [sparkEngine])), fallbacks.at(-1)!),
    });
    const a = randomBytes(MiB + 5);
    const b = randomBytes(1000);
    const [ra, rb] = await Promise.all([hasher.hash(oddBlob(a), { partSize: MiB }), hasher.hash(new Blob([b]), { partSize: MiB })]);
    expect(ra).toMatchObject({ ...expected(a, MiB), runner: 'worker', engine: 'spark' });
    expect(rb).toMatchObject({ ...expected(b, MiB), runner: 'worker', engine: 'spark' });
    expect(defaults).toHaveLength(1);
    expect(defaults[0]?.terminated).toBe(true);
    expect(await hasher.hash(new Blob([b]), { partSize: MiB })).toMatchObject({ runner: 'worker', engine: 'spark' });
    expect(defaults).toHaveLength(1);
    expect(fallbacks).toHaveLength(1);
    hasher.close();
  });

  it('without a fallback worker the job rejects with the reason, naming what failed', async () => {
    const hasher = createWorkerHasher({ createWorker: () => new FakeWorker('ok', [forbiddenWasm]) });
    await expect(hasher.hash(new Blob(['abc']), { partSize: MiB })).rejects.toMatchObject({
      name: 'EngineUnavailableError',
      message: expect.stringMatching(/could load on this worker \(it has wasm\): .*wasm-unsafe-eval/),
    });
    hasher.close();
  });
});
