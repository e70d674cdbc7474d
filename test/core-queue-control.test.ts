/**
 * Driving an upload queue against the emulator over real HTTP: pauseAll() stops every part until
 * resumeAll() (proved at the emulator over a window bounded by events), add() while it runs,
 * cancelAll(), the queue's totals, and the documented order of events.
 */
import { describe, expect, it } from 'vitest';
import {
  createUploadQueueWithClient as createUploadQueue,
  uploadWithClient as upload,
  type QueueProgress,
  type UploadQueue,
  type UploadQueueEvents,
} from '../src/engine.js';
import {
  bytesOf,
  countingHasher,
  makeClient,
  randomFile,
  settle,
  sha1Of,
  useSharedEmulator,
  type RunningEmulator,
} from './helpers/upload-stack.js';

const MiB = 1048576;
let emu: RunningEmulator;
useSharedEmulator((running) => (emu = running));

async function expectServed(url: string, file: Blob): Promise<void> {
  const served = Buffer.from(await (await fetch(url)).arrayBuffer());
  expect(served.length).toBe(file.size);
  expect(sha1Of(served)).toBe(sha1Of(await bytesOf(file)));
}

/** Resolves at the first event of `queue` that passes `test` (bounded by the test's timeout). */
function nextEvent<E extends keyof UploadQueueEvents>(
  queue: UploadQueue,
  event: E,
  test: (payload: UploadQueueEvents[E]) => boolean = () => true,
): Promise<UploadQueueEvents[E]> {
  return new Promise((resolve) => {
    const off = queue.on(event, (payload) => {
      if (!test(payload)) return;
      off();
      resolve(payload);
    });
  });
}

const partsFor = (shas: ReadonlySet<string>): number =>
  emu.emulator.log.entries().filter((entry) => entry.action === 'UploadPart' && shas.has(entry.fileSha)).length;

describe('pauseAll() / resumeAll()', () => {
  it('mid-run, no further part reaches the emulator until resumeAll(); then every file completes byte-exact', async () => {
    emu.emulator.faults.add({ action: 'UploadPart', kind: 'delay', ms: 25, times: 10_000 });
    const files = [randomFile(5 * MiB, 'a.mp4'), randomFile(4 * MiB + 7, 'b.mp4'), randomFile(3 * MiB, 'c.mp4')];
    // Parts the queue starts to send, counted at the client: a part already on the wire when
    // pauseAll() aborts it may still land at the emulator after settle() (it was not yet in the
    // handler), so "sends no further part" is judged where parts start, not where they land.
    const client = makeClient(emu);
    let partsStarted = 0;
    const countingClient: typeof client = { ...client, uploadPart: (...args) => ((partsStarted += 1), client.uploadPart(...args)) };
    const queue = createUploadQueue({ client: countingClient, hasher: countingHasher(), concurrency: 2, files: 2 });
    const states: string[] = [];
    queue.on('state', (state) => states.push(state));
    const shas = new Set(await Promise.all(files.map(async (file) => sha1Of(await bytesOf(file)))));

    const finished = queue.addAll(files.slice(0, 2));
    await nextEvent(queue, 'file-progress', ({ progress }) => progress.ackedBytes >= MiB);
    queue.pauseAll();
    expect(queue.state).toBe('paused');
    expect(queue.files.filter((file) => file.handle).every((file) => file.status === 'paused')).toBe(true);
    // Added while paused: it waits too.
    const third = queue.add(files[2]!);
    await settle(emu);
    const startedAtPause = partsStarted;

    // The window: another upload of 3 MiB, outside the queue, runs from start to FinishUpload
    // against the same emulator (the same delay on every part) while the queue is paused.
    const other = randomFile(3 * MiB, 'other.mp4');
    await upload(other, { client: makeClient(emu), hasher: countingHasher() }).done;
    expect(emu.emulator.log.count('FinishUpload', 0)).toBe(1);
    expect(partsStarted).toBe(startedAtPause);
    await settle(emu);
    const partsAtPause = partsFor(shas);
    // Progress (throttled: a trailing event may report acks from before the pause) never claims
    // more than the service holds.
    expect(queue.progress.bytesDone).toBeLessThanOrEqual(partsAtPause * MiB);
    expect(queue.files[2]!.status).toBe('waiting');

    queue.resumeAll();
    expect(queue.state).toBe('running');
    const results = await finished;
    const thirdResult = await third;
    expect(results.map((entry) => entry.status)).toEqual(['fulfilled', 'fulfilled']);
    for (const entry of results) if (entry.status === 'fulfilled') await expectServed(entry.result.url, entry.source);
    await expectServed(thirdResult.url, files[2]!);
    expect(partsFor(shas)).toBeGreaterThan(partsAtPause);
    expect(states).toEqual(['running', 'paused', 'running', 'idle']);
    expect(queue.progress).toMatchObject({
      files: 3,
      filesDone: 3,
      filesFailed: 0,
      filesRunning: 0,
      filesWaiting: 0,
      overallPercent: 100,
      eta: 0,
    });
    expect(queue.progress.bytesDone).toBe(queue.progress.totalBytes);
  });
});

describe('add() while running, cancelAll()', () => {
  it('a file added while others run is uploaded under the same bounds', async () => {
    emu.emulator.faults.add({ action: 'UploadPart', kind: 'delay', ms: 10, times: 10_000 });
    const queue = createUploadQueue({ client: makeClient(emu), hasher: countingHasher(), concurrency: 2, files: 1 });
    const first = queue.add(randomFile(3 * MiB, 'first.mp4'));
    await nextEvent(queue, 'file-started');
    expect(queue.state).toBe('running');
    const late = randomFile(2 * MiB, 'late.mp4');
    const lateDone = queue.add(late);
    expect(queue.pending).toBe(1);
    await first;
    await expectServed((await lateDone).url, late);
    expect(emu.emulator.log.maxPartsInFlight).toBeLessThanOrEqual(2);
    expect(queue.state).toBe('idle');
  });

  it('cancelAll() aborts running and waiting files; waiting ones are never read; the queue takes new files after', async () => {
    emu.emulator.faults.add({ action: 'UploadPart', kind: 'delay', ms: 30, times: 10_000 });
    const hasher = countingHasher();
    const queue = createUploadQueue({ client: makeClient(emu), hasher, concurrency: 2, files: 1 });
    const running = queue.add(randomFile(4 * MiB, 'running.mp4'));
    const waiting = queue.add(randomFile(2 * MiB, 'waiting.mp4'));
    const started: number[] = [];
    queue.on('file-started', ({ file }) => started.push(file.id));
    await nextEvent(queue, 'file-progress', ({ progress }) => progress.phase === 'uploading');
    queue.cancelAll();
    await expect(running).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
    expect(started).toEqual([1]);
    expect(hasher.jobs).toBe(1);
    expect(emu.emulator.log.count('FinishUpload')).toBe(0);
    expect(queue.progress).toMatchObject({ files: 2, filesFailed: 2, totalBytes: 0 });
    expect(queue.state).toBe('idle');
    const after = randomFile(MiB, 'after.mp4');
    await expectServed((await queue.add(after)).url, after);
  });
});

describe('events and totals', () => {
  it('come in the documented order: per file added → started → progress/state → done, a progress after each', async () => {
    const queue = createUploadQueue({
      client: makeClient(emu),
      hasher: countingHasher(),
      files: 1,
      restrictions: { allowedTypes: ['.mp4'] },
    });
    const log: string[] = [];
    const totals: QueueProgress[] = [];
    for (const event of ['file-added', 'file-started', 'file-progress', 'file-state', 'file-done', 'file-failed'] as const) {
      queue.on(event, (payload) => log.push(`${event}:${payload.file.id}`));
    }
    queue.on('progress', (progress) => {
      log.push('progress');
      totals.push(progress);
    });
    queue.on('state', (state) => log.push(`state:${state}`));
    await queue.addAll([randomFile(2 * MiB, 'one.mp4'), randomFile(10, 'two.txt'), randomFile(MiB, 'three.mp4')]);

    // Every file event is followed by exactly one progress event.
    for (let i = 0; i < log.length; i += 1) if (log[i]!.startsWith('file-')) expect(log[i + 1]).toBe('progress');
    const fileEvents = log.filter((entry) => entry.startsWith('file-'));
    for (const id of [1, 3]) {
      const own = fileEvents.filter((entry) => entry.endsWith(`:${id}`)).map((entry) => entry.split(':')[0]);
      expect(own[0]).toBe('file-added');
      expect(own[1]).toBe('file-started');
      expect(own.at(-1)).toBe('file-done');
      expect(own.slice(2, -1).every((name) => name === 'file-progress' || name === 'file-state')).toBe(true);
    }
    expect(fileEvents.filter((entry) => entry.endsWith(':2'))).toEqual(['file-added:2', 'file-failed:2']);
    expect(log.indexOf('state:running')).toBeLessThan(log.indexOf('file-started:1'));
    expect(log.at(-1)).toBe('state:idle');
    expect(log.filter((entry) => entry.startsWith('state:'))).toEqual(['state:running', 'state:idle']);
    // One file at a time: the third starts after the first is done.
    expect(log.indexOf('file-started:3')).toBeGreaterThan(log.indexOf('file-done:1'));
    // Totals: bytes never go down while the set of files is fixed (after the last add).
    const afterAdds = totals.slice(totals.findIndex((t) => t.files === 3));
    for (let i = 1; i < afterAdds.length; i += 1) {
      if (afterAdds[i]!.filesFailed !== afterAdds[i - 1]!.filesFailed) continue;
      expect(afterAdds[i]!.bytesDone).toBeGreaterThanOrEqual(afterAdds[i - 1]!.bytesDone);
      expect(afterAdds[i]!.overallPercent).toBeGreaterThanOrEqual(afterAdds[i - 1]!.overallPercent);
    }
    expect(totals.at(-1)).toMatchObject({
      files: 3,
      filesDone: 2,
      filesFailed: 1,
      totalBytes: 3 * MiB,
      bytesDone: 3 * MiB,
      overallPercent: 100,
      eta: 0,
    });
  });
});
