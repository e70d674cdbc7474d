/**
 * Requests on one upload session taken in turn: InitUpload and FinishUpload alone, UploadParts
 * side by side. Two uploads of the same bytes at once (under load, on the disk emulator) once
 * failed at Finish with "parts missing": both InitUploads saw no session, and the later one's new
 * session replaced the parts the earlier one had stored meanwhile.
 */
import { describe, expect, it } from 'vitest';
import { MemoryStorage, startEmulator, type EmulatorStorage } from '../src/emulator/index.js';
import { createSessionLock } from '../src/emulator/session-lock.js';
import { deferred } from './helpers/deferred.js';
import { call, initParams, makeFile, partsOf, sendPart } from './helpers/emulator-client.js';

/** The protocol's smallest part size. */
const PART = 524288;

/** Lets pending promise reactions run (bounded). */
const turns = async (count = 10): Promise<void> => {
  for (let turn = 0; turn < count; turn++) await Promise.resolve();
};

describe('createSessionLock', () => {
  it('exclusive tasks on one key run one at a time, in order; other keys are not held up', async () => {
    const lock = createSessionLock();
    const order: string[] = [];
    const first = deferred();
    const a = lock.exclusive('k', async () => {
      order.push('a start');
      await first.promise;
      order.push('a end');
    });
    const b = lock.exclusive('k', async () => void order.push('b'));
    const other = lock.exclusive('other', async () => void order.push('other'));
    await other;
    await turns();
    expect(order).toEqual(['a start', 'other']);
    first.resolve();
    await Promise.all([a, b]);
    expect(order).toEqual(['a start', 'other', 'a end', 'b']);
  });

  it('shared tasks run side by side; an exclusive one waits for them, and later shared ones wait for it', async () => {
    const lock = createSessionLock();
    const order: string[] = [];
    const release = [deferred(), deferred()];
    const shared = release.map((gate, index) =>
      lock.shared('k', async () => {
        order.push(`shared ${index} start`);
        await gate.promise;
        order.push(`shared ${index} end`);
      }),
    );
    const exclusive = lock.exclusive('k', async () => void order.push('exclusive'));
    const later = lock.shared('k', async () => void order.push('later shared'));
    await turns();
    expect(order).toEqual(['shared 0 start', 'shared 1 start']);
    release[1]!.resolve();
    await shared[1];
    await turns();
    expect(order).toEqual(['shared 0 start', 'shared 1 start', 'shared 1 end']);
    release[0]!.resolve();
    await Promise.all([...shared, exclusive, later]);
    expect(order.slice(3)).toEqual(['shared 0 end', 'exclusive', 'later shared']);
  });

  it('a task that throws releases the key', async () => {
    const lock = createSessionLock();
    await expect(lock.exclusive('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.exclusive('k', async () => 'next')).resolves.toBe('next');
  });
});

describe('one session, requests at once (emulator over HTTP)', () => {
  it('two InitUploads of the same new file: the second waits for the first and resumes its session; Finish finds every part', async () => {
    const file = makeFile(3 * PART + 3);
    // The first putSession is held until the second InitUpload has reached the emulator, then until
    // another storage call for the same file arrives (the race) or 1 s more passes (the lock makes
    // the second InitUpload wait, so nothing arrives); any such call is an overlap. The 1 s counts
    // from the second request's arrival, so a late arrival under load cannot make the test vacuous.
    const overlaps: string[] = [];
    let holding = false;
    let putSessions = 0;
    const otherCall = deferred();
    const secondArrived = deferred();
    const storage = watchedStorage(new MemoryStorage(), async (name) => {
      if (holding) {
        overlaps.push(name);
        otherCall.resolve();
      }
      if (name !== 'putSession' || ++putSessions > 1) return;
      holding = true;
      await secondArrived.promise;
      await Promise.race([otherCall.promise, new Promise((done) => setTimeout(done, 1000))]);
      holding = false;
    });
    const emulator = await startEmulator({ port: 0, storage });
    const log = emulator.emulator.log;
    const started = log.requestStarted.bind(log);
    log.requestStarted = () => {
      started();
      if (log.requestsInFlight >= 2) secondArrived.resolve();
    };
    try {
      const params = initParams(file, PART);
      const [first, second] = await Promise.all([
        call(emulator.endpoint, 'InitUpload', params),
        call(emulator.endpoint, 'InitUpload', params),
      ]);
      expect(overlaps).toEqual([]);
      expect(putSessions).toBe(1);
      expect([first.answer.code, second.answer.code].sort()).toEqual([0, 1]);
      for (const part of partsOf(file.fileSize, PART)) {
        expect((await sendPart(emulator.endpoint, file, part.offset, part.dataSize)).answer.code).toBe(0);
      }
      expect((await call(emulator.endpoint, 'FinishUpload', { fileSha: file.fileSha })).answer).toMatchObject({ code: 0 });
    } finally {
      await emulator.close();
    }
  });

  it('a part whose session was finished while its body arrived is answered -10005 (no session), not stored', async () => {
    let checked: ReturnType<typeof deferred<void>> | undefined;
    const storage = watchedStorage(new MemoryStorage(), async (name) => {
      if (name === 'getSession') checked?.resolve();
    });
    const emulator = await startEmulator({ port: 0, storage });
    try {
      const file = makeFile(2 * PART);
      expect((await call(emulator.endpoint, 'InitUpload', initParams(file, PART))).answer.code).toBe(0);
      for (const part of partsOf(file.fileSize, PART)) {
        expect((await sendPart(emulator.endpoint, file, part.offset, part.dataSize)).answer.code).toBe(0);
      }
      // The late part passes its first session check, then its body waits until Finish has answered.
      checked = deferred();
      const finished = deferred();
      // Its first half goes at once (fetch sends nothing before a body's first chunk), the rest after Finish.
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(file.bytes.slice(0, PART / 2));
          await finished.promise;
          controller.enqueue(file.bytes.slice(PART / 2, PART));
          controller.close();
        },
      });
      const late = sendPart(emulator.endpoint, file, 0, PART, { body });
      await checked.promise;
      expect((await call(emulator.endpoint, 'FinishUpload', { fileSha: file.fileSha })).answer.code).toBe(0);
      finished.resolve();
      expect((await late).answer).toMatchObject({ code: -10005 });
    } finally {
      await emulator.close();
    }
  });
});

/** `storage` with `before(name)` awaited before each of its calls is passed on. */
function watchedStorage(storage: EmulatorStorage, before: (name: string) => Promise<void>): EmulatorStorage {
  return new Proxy(storage, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function' || typeof name !== 'string') return value;
      return async (...args: unknown[]) => {
        await before(name);
        return (value as (...args: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
