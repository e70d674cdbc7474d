/**
 * The queue itself (createQueue, src/core/queue.ts) over a fake engine: each file's upload is a
 * handle the test settles by hand, so every step (a slot freed, a pause, a cancel) is driven by
 * the test and awaited through the queue's own events, never by time.
 */
import { describe, expect, it } from 'vitest';
import type { UploadProgress } from '../src/core/progress-types.js';
import { createQueue, type StartUpload } from '../src/core/queue.js';
import type { UploadResult } from '../src/core/run-upload.js';
import type { UploadSource } from '../src/core/source.js';
import type { UploadEvents, UploadHandle, UploadOptions, UploadState } from '../src/core/upload.js';
import { VodArgumentError, VodError } from '../src/protocol/errors.js';
import { AUTO_MAX_CONCURRENCY } from '../src/util/concurrency.js';
import { createEmitter } from '../src/util/emitter.js';

/** A handle the test drives: `finish`, `fail`, `emit`; records pause/resume/abort. */
interface FakeHandle extends UploadHandle {
  source: UploadSource;
  options: UploadOptions;
  calls: string[];
  state: UploadState;
  finish(result?: Partial<UploadResult>): void;
  fail(error: unknown, state?: UploadState): void;
  emit<E extends keyof UploadEvents>(event: E, payload: UploadEvents[E]): void;
}

function fakeEngine() {
  const handles: FakeHandle[] = [];
  const started: (() => void)[] = [];
  const startUpload: StartUpload = (source, options) => {
    const emitter = createEmitter<UploadEvents>();
    let resolve!: (result: UploadResult) => void;
    let reject!: (error: unknown) => void;
    const done = new Promise<UploadResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const handle: FakeHandle = {
      source,
      options,
      calls: [],
      state: 'running',
      done,
      pause() {
        handle.calls.push('pause');
        handle.state = 'paused';
      },
      resume() {
        handle.calls.push('resume');
        handle.state = 'running';
      },
      abort(reason) {
        handle.calls.push(`abort:${String(reason)}`);
      },
      on: (event, listener) => emitter.on(event, listener),
      emit: (event, payload) => emitter.emit(event, payload),
      finish(result = {}) {
        handle.state = 'done';
        resolve({ fileId: `id-${handles.indexOf(handle) + 1}`, url: 'u', size: 0, ...result } as UploadResult);
      },
      fail(error, state = 'failed') {
        handle.state = state;
        reject(error);
      },
    };
    handles.push(handle);
    for (const wake of started.splice(0)) wake();
    return handle;
  };
  /** Resolves once `count` uploads were started (bounded by the test's timeout). */
  const startedCount = async (count: number): Promise<FakeHandle> => {
    while (handles.length < count) await new Promise<void>((resolve) => started.push(resolve));
    return handles[count - 1]!;
  };
  return { handles, startUpload, startedCount };
}

const blob = (size: number, type = 'video/mp4', name = 'a.mp4'): Blob => new File([new Uint8Array(size)], name, { type });
const progressOf = (ackedBytes: number, overallPercent: number): UploadProgress => ({ ackedBytes, overallPercent }) as UploadProgress;
/** Lets every pending promise job run (the queue's steps are a few microtasks deep). */
const drain = async (): Promise<void> => {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
};

describe('createQueue: options', () => {
  it('starts two files at a time by default, each with concurrency "auto" under the auto bound', async () => {
    const engine = fakeEngine();
    const queue = createQueue({}, engine.startUpload);
    const done = [queue.add(blob(1)), queue.add(blob(2)), queue.add(blob(3))];
    const first = await engine.startedCount(2);
    await drain();
    expect(engine.handles).toHaveLength(2);
    expect(queue.running).toBe(2);
    expect(queue.pending).toBe(1);
    expect(first.options.concurrency).toBe('auto');
    expect(first.options.limiter?.concurrency).toBe(AUTO_MAX_CONCURRENCY);
    expect(first.options.limiter).toBe(engine.handles[0]!.options.limiter);
    engine.handles[0]!.finish();
    const third = await engine.startedCount(3);
    expect(third.source).toBe(queue.files[2]!.source);
    engine.handles[1]!.finish();
    third.finish();
    await Promise.all(done);
    expect(queue.running).toBe(0);
    expect(queue.pending).toBe(0);
  });

  it('a number bounds parts of all files; a file asking more gets the bound, a file asking less keeps its own', async () => {
    const engine = fakeEngine();
    const queue = createQueue({ concurrency: 4, files: 3 }, engine.startUpload);
    void queue.add(blob(1));
    void queue.add(blob(1), { concurrency: 9 });
    void queue.add(blob(1), { concurrency: 2 });
    await engine.startedCount(3);
    expect(engine.handles.map((handle) => handle.options.concurrency)).toEqual([4, 4, 2]);
    expect(engine.handles[0]!.options.limiter?.concurrency).toBe(4);
    for (const handle of engine.handles) handle.finish();
  });

  it('a file asking "auto" under a numeric queue keeps "auto"; one of the queue\'s defaults reaches every file', async () => {
    const engine = fakeEngine();
    const queue = createQueue({ concurrency: 3, partSize: 2_097_152 } as never, engine.startUpload);
    void queue.add(blob(1), { concurrency: 'auto' });
    void queue.add(blob(1), { partSize: 4_194_304 } as never);
    await engine.startedCount(2);
    expect(engine.handles[0]!.options.concurrency).toBe('auto');
    expect(engine.handles[0]!.options).toMatchObject({ partSize: 2_097_152 });
    expect(engine.handles[1]!.options).toMatchObject({ partSize: 4_194_304, concurrency: 3 });
    for (const handle of engine.handles) handle.finish();
  });

  it('refuses a signal that is not an AbortSignal, a bad part or file bound', () => {
    const { startUpload } = fakeEngine();
    expect(() => createQueue({ signal: {} as AbortSignal }, startUpload)).toThrow(VodArgumentError);
    expect(() => createQueue({ signal: {} as AbortSignal }, startUpload)).toThrow('Invalid signal: expected an AbortSignal, got {}');
    expect(() => createQueue({ concurrency: 0 }, startUpload)).toThrow(VodArgumentError);
    expect(() => createQueue({ files: 0 }, startUpload)).toThrow(VodArgumentError);
    expect(() => createQueue({ signal: new AbortController().signal }, startUpload)).not.toThrow();
  });

  it('passes each file its own abort signal, the shared limiter, and no restrictions (checked at add)', async () => {
    const engine = fakeEngine();
    const queue = createQueue({ files: 2, restrictions: { maxFileSize: 100 } }, engine.startUpload);
    void queue.add(blob(1));
    void queue.add(blob(2));
    const [a, b] = [await engine.startedCount(1), await engine.startedCount(2)];
    expect(a.options.restrictions).toBeUndefined();
    expect(a.options.signal).toBeInstanceOf(AbortSignal);
    expect(a.options.signal).not.toBe(b.options.signal);
    expect(a.options.limiter).toBe(b.options.limiter);
    a.finish();
    b.finish();
  });
});

describe('createQueue: restrictions', () => {
  it("the queue's restrictions are checked when it is made", () => {
    expect(() => createQueue({ restrictions: { maxFileSize: -1 } }, fakeEngine().startUpload)).toThrow(VodArgumentError);
  });

  it('a file the restrictions refuse fails without starting; the others go on', async () => {
    const engine = fakeEngine();
    const queue = createQueue({ restrictions: { maxFileSize: 10 } }, engine.startUpload);
    const failed: number[] = [];
    queue.on('file-failed', ({ file }) => failed.push(file.id));
    const big = queue.add(blob(11));
    const small = queue.add(blob(10));
    await expect(big).rejects.toMatchObject({ rule: 'maxFileSize' });
    expect(failed).toEqual([1]);
    expect(queue.files[0]!.status).toBe('failed');
    (await engine.startedCount(1)).finish();
    await small;
    expect(engine.handles).toHaveLength(1);
    expect(queue.state).toBe('idle');
  });

  it("a file's own restrictions replace the queue's, and are validated", async () => {
    const engine = fakeEngine();
    const queue = createQueue({ restrictions: { maxFileSize: 10 } }, engine.startUpload);
    const allowed = queue.add(blob(50), { restrictions: { maxFileSize: 100 } });
    (await engine.startedCount(1)).finish();
    await allowed;
    await expect(queue.add(blob(1), { restrictions: { maxFileSize: -5 } })).rejects.toBeInstanceOf(VodArgumentError);
  });

  it("checks a file's MIME type from its `type` before its extension", async () => {
    const engine = fakeEngine();
    const queue = createQueue({ restrictions: { allowedTypes: ['video/*'] } }, engine.startUpload);
    await expect(queue.add(blob(5, 'image/png', 'a.mp4'))).rejects.toMatchObject({ rule: 'allowedTypes' });
    const video = queue.add(blob(5, 'video/mp4', 'a.png'));
    (await engine.startedCount(1)).finish();
    await video;
  });
});

describe('createQueue: sources', () => {
  it('names a file from its options when checking restrictions (a Blob without a name)', async () => {
    const engine = fakeEngine();
    const queue = createQueue({ restrictions: { allowedTypes: ['.mp4'] } }, engine.startUpload);
    const named = queue.add(new Blob(['x']), { name: 'clip.mp4' } as never);
    (await engine.startedCount(1)).finish();
    await named;
    await expect(queue.add(new Blob(['x']), { name: 'clip.txt' } as never)).rejects.toMatchObject({ rule: 'allowedTypes' });
  });

  it('a source whose `type` is not a string is judged by its extension', async () => {
    const engine = fakeEngine();
    const queue = createQueue({ restrictions: { allowedTypes: ['video/*'] } }, engine.startUpload);
    const source = { size: 5, name: 'clip.mp4', type: 5, slice: () => new Blob(['12345']), stream: () => new Blob(['12345']).stream() };
    const done = queue.add(source as never);
    (await engine.startedCount(1)).finish();
    await done;
  });

  it('a source that is not one is a rejected promise, not a throw', async () => {
    const engine = fakeEngine();
    const queue = createQueue({ restrictions: { maxFileSize: 10 } }, engine.startUpload);
    let added: Promise<unknown> | undefined;
    expect(() => {
      added = queue.add(null as never);
    }).not.toThrow();
    await expect(added).rejects.toThrow();
    expect(queue.files[0]).toMatchObject({ size: 0, status: 'failed' });
  });
});

describe('createQueue: events and state', () => {
  it('nothing but file-added within add(); started, progress, state, done follow, each with a progress; state idle → running → idle', async () => {
    const engine = fakeEngine();
    const starts: unknown[] = [];
    const queue = createQueue({ files: 1, onStart: (handle, source) => starts.push([handle, source]) }, engine.startUpload);
    const log: string[] = [];
    queue.on('state', (state) => log.push(`state:${state}`));
    queue.on('progress', (totals) => log.push(`progress:${totals.files}/${totals.bytesDone}`));
    queue.on('file-added', ({ file }) => log.push(`added:${file.id}:${file.size}:${file.status}`));
    const file = blob(100);
    const done = queue.add(file);
    expect(log).toEqual(['added:1:100:waiting', 'progress:1/0']);
    expect(queue.state).toBe('idle');
    for (const event of ['file-started', 'file-progress', 'file-state', 'file-done'] as const) {
      queue.on(event, ({ file: entry }) => log.push(`${event}:${entry.id}:${entry.status}`));
    }
    const handle = await engine.startedCount(1);
    expect(starts).toEqual([[handle, file]]);
    handle.emit('progress', progressOf(40, 40));
    handle.emit('state', 'paused');
    expect(queue.files[0]!.status).toBe('paused');
    handle.emit('state', 'running');
    handle.finish({ fileId: 'f1' });
    expect(await done).toMatchObject({ fileId: 'f1' });
    expect(log).toEqual([
      'added:1:100:waiting',
      'progress:1/0',
      'state:running',
      'file-started:1:running',
      'progress:1/0',
      'file-progress:1:running',
      'progress:1/40',
      'file-state:1:paused',
      'progress:1/40',
      'file-state:1:running',
      'progress:1/40',
      'file-done:1:done',
      'progress:1/100',
      'state:idle',
    ]);
    expect(queue.files[0]).toEqual({ id: 1, source: file, size: 100, status: 'done', handle });
    expect(queue.progress).toMatchObject({ files: 1, filesDone: 1, bytesDone: 100 });
  });

  it("a file-started payload carries the handle; a failed upload is file-failed with its error and the handle's state", async () => {
    const engine = fakeEngine();
    const queue = createQueue({ files: 2 }, engine.startUpload);
    const handles: UploadHandle[] = [];
    const failures: [number, unknown, string][] = [];
    queue.on('file-started', ({ handle }) => handles.push(handle));
    queue.on('file-failed', ({ file, error }) => failures.push([file.id, error, file.status]));
    const one = queue.add(blob(1));
    const two = queue.add(blob(1));
    const [a, b] = [await engine.startedCount(1), await engine.startedCount(2)];
    expect(handles).toEqual([a, b]);
    const boom = new Error('boom');
    a.fail(boom, 'aborted');
    await expect(one).rejects.toBe(boom);
    expect(failures).toEqual([[1, boom, 'aborted']]);
    expect(queue.state).toBe('running');
    b.fail(boom);
    await expect(two).rejects.toBe(boom);
    expect(queue.files.map((file) => file.status)).toEqual(['aborted', 'failed']);
    expect(queue.state).toBe('idle');
    expect([queue.running, queue.pending]).toEqual([0, 0]);
    expect(queue.progress).toMatchObject({ files: 2, filesFailed: 2 });
  });

  it('file ids count from 1; size is 0 when the source has no whole positive size', async () => {
    const engine = fakeEngine();
    const queue = createQueue({ files: 8 }, engine.startUpload);
    const sources = [blob(7), { size: -3 }, { size: 1.5 }, { size: '9' }, { size: 2 ** 60 }, '/a/path', blob(0)] as UploadSource[];
    for (const source of sources) void queue.add(source as Blob).catch(() => {});
    expect(queue.files.map((file) => [file.id, file.size])).toEqual([
      [1, 7],
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 0],
      [6, 0],
      [7, 0],
    ]);
    await engine.startedCount(7);
    for (const handle of engine.handles) handle.finish();
    await queue.settled();
  });

  it("settled() and addAll() give each file's outcome in order", async () => {
    const engine = fakeEngine();
    const queue = createQueue({ files: 3 }, engine.startUpload);
    const [x, y, z] = [blob(1), blob(2), blob(3)];
    const all = queue.addAll([x, y]);
    const solo = queue.add(z).catch(() => {});
    await engine.startedCount(3);
    const boom = new Error('no');
    engine.handles[0]!.finish({ fileId: 'x' });
    engine.handles[1]!.fail(boom);
    engine.handles[2]!.finish({ fileId: 'z' });
    expect(await all).toEqual([
      { source: x, status: 'fulfilled', result: expect.objectContaining({ fileId: 'x' }) },
      { source: y, status: 'rejected', error: boom },
    ]);
    await solo;
    expect(await queue.settled()).toEqual([
      { source: x, status: 'fulfilled', result: expect.objectContaining({ fileId: 'x' }) },
      { source: y, status: 'rejected', error: boom },
      { source: z, status: 'fulfilled', result: expect.objectContaining({ fileId: 'z' }) },
    ]);
  });

  it('the file list is a copy: changing it does not change the queue', async () => {
    const engine = fakeEngine();
    const queue = createQueue({}, engine.startUpload);
    void queue.add(blob(1));
    const list = queue.files as unknown as { status: string }[];
    list[0]!.status = 'done';
    expect(queue.files[0]!.status).toBe('waiting');
    (await engine.startedCount(1)).finish();
    await queue.settled();
  });
});

describe('createQueue: pauseAll / resumeAll', () => {
  it('pauses running uploads only, holds waiting files, and resumes paused uploads only; each told once', async () => {
    const engine = fakeEngine();
    const queue = createQueue({ files: 2 }, engine.startUpload);
    const states: string[] = [];
    queue.on('state', (state) => states.push(state));
    const done = [queue.add(blob(1)), queue.add(blob(1)), queue.add(blob(1))];
    const [a, b] = [await engine.startedCount(1), await engine.startedCount(2)];
    b.state = 'failed';
    queue.pauseAll();
    queue.pauseAll();
    expect(queue.state).toBe('paused');
    expect(a.calls).toEqual(['pause']);
    expect(b.calls).toEqual([]);
    b.state = 'running';
    b.finish();
    await done[1];
    await drain();
    // The slot is free, but the third waits for resumeAll().
    expect(engine.handles).toHaveLength(2);
    expect(queue.files[2]!.status).toBe('waiting');
    queue.resumeAll();
    queue.resumeAll();
    expect(queue.state).toBe('running');
    expect(a.calls).toEqual(['pause', 'resume']);
    // b is done: resumeAll() leaves it alone.
    expect(b.calls).toEqual([]);
    const c = await engine.startedCount(3);
    expect(c.calls).toEqual([]);
    a.finish();
    c.finish();
    await Promise.all(done);
    expect(states).toEqual(['running', 'paused', 'running', 'idle']);
  });

  it('an idle queue stays idle across pauseAll / resumeAll, and a file added while paused waits', async () => {
    const engine = fakeEngine();
    const queue = createQueue({}, engine.startUpload);
    const states: string[] = [];
    queue.on('state', (state) => states.push(state));
    queue.pauseAll();
    expect(queue.state).toBe('idle');
    const done = queue.add(blob(1));
    await drain();
    expect(engine.handles).toHaveLength(0);
    // A second pauseAll() changes nothing: the one resumeAll() lets the held file go.
    queue.pauseAll();
    queue.resumeAll();
    await drain();
    expect(engine.handles).toHaveLength(1);
    (await engine.startedCount(1)).finish();
    await done;
    queue.pauseAll();
    queue.resumeAll();
    expect(states).toEqual(['running', 'idle']);
  });
});

describe('createQueue: an upload paused on its own', () => {
  it('resumeAll() without pauseAll() resumes nothing: a file its caller paused stays paused', async () => {
    const engine = fakeEngine();
    const queue = createQueue({}, engine.startUpload);
    const done = queue.add(blob(1));
    const handle = await engine.startedCount(1);
    handle.pause();
    queue.resumeAll();
    expect(handle.calls).toEqual(['pause']);
    expect(queue.state).toBe('running');
    handle.finish();
    await done;
  });
});

describe('createQueue: cancelAll and the signal', () => {
  it('aborts running uploads (through their signal) and waiting files, with the reason; a paused queue opens', async () => {
    const engine = fakeEngine();
    const queue = createQueue({ files: 1 }, engine.startUpload);
    const running = queue.add(blob(1));
    const waiting = queue.add(blob(1));
    const a = await engine.startedCount(1);
    queue.pauseAll();
    const reason = new VodError({ code: 'ABORTED', message: 'stop', canRetry: false });
    queue.cancelAll(reason);
    expect(a.options.signal?.aborted).toBe(true);
    expect(a.options.signal?.reason).toBe(reason);
    a.fail(reason, 'aborted');
    await expect(running).rejects.toBe(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(engine.handles).toHaveLength(1);
    expect(queue.state).toBe('idle');
    // Not paused any more: a new file starts, running.
    const after = queue.add(blob(1));
    const next = await engine.startedCount(2);
    expect(next.calls).toEqual([]);
    expect(queue.state).toBe('running');
    next.finish();
    await after;
  });

  it('a second cancelAll() does not abort a file again, and leaves new files alone', async () => {
    const engine = fakeEngine();
    const queue = createQueue({}, engine.startUpload);
    const first = queue.add(blob(1));
    const a = await engine.startedCount(1);
    queue.cancelAll('one');
    queue.cancelAll('two');
    expect(a.options.signal?.reason).toBe('one');
    a.fail(new Error('x'));
    await expect(first).rejects.toThrow('x');
  });

  it('a file waiting at a paused queue is aborted by cancelAll without starting', async () => {
    const engine = fakeEngine();
    const queue = createQueue({}, engine.startUpload);
    queue.pauseAll();
    const held = queue.add(blob(1));
    await drain();
    queue.cancelAll();
    await expect(held).rejects.toMatchObject({ code: 'ABORTED' });
    expect(engine.handles).toHaveLength(0);
  });

  it("the queue's signal cancels every file with its reason; files added after it aborted never start", async () => {
    const engine = fakeEngine();
    const controller = new AbortController();
    const queue = createQueue({ signal: controller.signal }, engine.startUpload);
    const running = queue.add(blob(1));
    const a = await engine.startedCount(1);
    controller.abort('gone');
    expect(a.options.signal?.reason).toBe('gone');
    a.fail(new Error('aborted'), 'aborted');
    await expect(running).rejects.toThrow('aborted');
    const late = queue.add(blob(1));
    await expect(late).rejects.toMatchObject({ code: 'ABORTED', cause: 'gone' });
    expect(engine.handles).toHaveLength(1);
    expect(queue.files[1]!.status).toBe('failed');
  });
});
