/**
 * The parts loop on its own, against a client whose parts are answered one by one by the test:
 * what is in flight at each moment, what an abort or a hard failure does to the others, and what
 * is reported. The same behaviour over real HTTP is in upload.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { VodClient } from '../src/client/client.js';
import { sendParts, type PartDone, type SendPartsInput, type TaskLimiter } from '../src/core/send-parts.js';
import { planParts } from '../src/core/source.js';
import { VodError } from '../src/protocol/index.js';
import type { PartSize, UploadPartParams } from '../src/protocol/schemas.js';
import { createRetryState } from '../src/util/retry.js';
import { AUTO_INITIAL_CONCURRENCY } from '../src/util/concurrency.js';

const PART = 1048576 as PartSize;
const md5Of = (index: number): string => index.toString(16).padStart(32, '0');

interface Call {
  params: UploadPartParams;
  body: Blob | Uint8Array;
  signal: AbortSignal;
  answer(): void;
  fail(error: unknown): void;
}

/** A client whose UploadParts wait for the test to answer them; an abort rejects with the signal's reason, as fetch does. */
function heldClient() {
  const calls: Call[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const client = {
    uploadPart(params: UploadPartParams, body: Blob | Uint8Array, options: { signal: AbortSignal }) {
      return new Promise<void>((resolve, reject) => {
        const { signal } = options;
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        calls.push({ params, body, signal, answer: resolve, fail: reject });
        for (const waiter of waiters.filter((w) => calls.length >= w.count)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      });
    },
  } as unknown as VodClient;
  /** Resolves once `count` parts have been sent in all. */
  const sent = (count: number): Promise<void> =>
    calls.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }));
  const open = (): Call[] => calls.filter((call) => !call.signal.aborted && !answered.has(call));
  const answered = new Set<Call>();
  const answer = (call: Call): void => {
    answered.add(call);
    call.answer();
  };
  return { client, calls, sent, open, answer };
}

/** Several turns of the event loop: long enough for the loop to start a part it was free to start. */
const turns = async (count = 5): Promise<void> => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

function inputFor(client: VodClient, size: number, overrides: Partial<SendPartsInput> = {}) {
  const log = {
    sent: [] as number[],
    acked: [] as number[],
    rolledBack: [] as number[],
    retries: [] as number[],
    concurrency: [] as number[],
  };
  const parts: PartDone[] = [];
  const parts_ = planParts(size, PART);
  const input: SendPartsInput = {
    client,
    blob: new Blob([new Uint8Array(size)]),
    fileSha: 'f'.repeat(40),
    partSize: PART,
    parts: parts_,
    partMd5s: parts_.map((part) => md5Of(part.index)),
    concurrency: 2,
    maxInFlightBytes: 64 * PART,
    retryState: () => createRetryState({ retries: 2, baseDelayMs: 0, random: () => 0 }),
    signal: new AbortController().signal,
    events: {
      sent: (bytes) => log.sent.push(bytes),
      acked: (bytes) => log.acked.push(bytes),
      rolledBack: (bytes) => log.rolledBack.push(bytes),
      retry: (part) => log.retries.push(part.offset),
      concurrency: (figure) => log.concurrency.push(figure),
      part: (done) => parts.push(done),
    },
    ...overrides,
  };
  return { input, log, parts };
}

const hardFailure = () => new VodError({ code: 4300, message: 'access denied', canRetry: false });
const retryableFailure = () => new VodError({ code: -10004, message: 'cache write', canRetry: true });

describe('sendParts', () => {
  it('sends the parts in offset order with at most `concurrency` in flight, and reports each one', async () => {
    const { client, calls, sent, open, answer } = heldClient();
    const { input, log, parts } = inputFor(client, 4 * PART + 5, { concurrency: 2 });
    const done = sendParts(input);
    await sent(2);
    await turns();
    expect(calls.map((call) => call.params.offset)).toEqual([0, PART]);
    let mostInFlight = 0;
    while (calls.length < 5 || open().length > 0) {
      mostInFlight = Math.max(mostInFlight, open().length);
      answer(open()[0]!);
      await sent(Math.min(5, calls.length + 1));
      await turns(2);
    }
    expect(await done).toBe(5);
    expect(mostInFlight).toBe(2);
    expect(calls.map((call) => [call.params.offset, call.params.dataSize, call.params.dataMd5, call.params.fileSha])).toEqual(
      [0, 1, 2, 3, 4].map((i) => [i * PART, i === 4 ? 5 : PART, md5Of(i), 'f'.repeat(40)]),
    );
    expect(calls.map((call) => (call.body as Blob).size)).toEqual([PART, PART, PART, PART, 5]);
    expect(log.sent).toEqual([PART, PART, PART, PART, 5]);
    expect(log.acked).toEqual([PART, PART, PART, PART, 5]);
    expect(log.rolledBack).toEqual([]);
    expect(log.concurrency).toEqual([2]);
    expect(parts.map(({ offset, size, md5, attempt }) => ({ offset, size, md5, attempt }))).toEqual(
      [0, 1, 2, 3, 4].map((i) => ({ offset: i * PART, size: i === 4 ? 5 : PART, md5: md5Of(i), attempt: 1 })),
    );
    for (const part of parts) expect(part.ms).toBeGreaterThanOrEqual(0);
  });

  it('a hard failure aborts the parts still in flight, starts no other, and is the one error thrown', async () => {
    const { client, calls, sent } = heldClient();
    const { input, log } = inputFor(client, 6 * PART, { concurrency: 3 });
    // Its outcome is taken at once: it rejects while the test looks at the other parts.
    const outcome = sendParts(input).catch((error: unknown) => error);
    await sent(3);
    const failure = hardFailure();
    calls[1]!.fail(failure);
    await turns();
    // The other two were aborted with that error as the reason: nothing waits for their answers.
    expect([calls[0]!.signal.aborted, calls[2]!.signal.aborted]).toEqual([true, true]);
    expect(calls[0]!.signal.reason).toBe(failure);
    expect(await outcome).toBe(failure);
    expect(calls).toHaveLength(3);
    expect(log.rolledBack).toEqual([PART, PART, PART]);
    expect(log.acked).toEqual([]);
  });

  it("the caller's abort stops the parts in flight and is what is thrown", async () => {
    const { client, calls, sent } = heldClient();
    const controller = new AbortController();
    const { input } = inputFor(client, 4 * PART, { concurrency: 2, signal: controller.signal });
    const done = sendParts(input);
    await sent(2);
    const reason = new Error('user pressed stop');
    controller.abort(reason);
    await expect(done).rejects.toBe(reason);
    expect(calls.map((call) => call.signal.aborted)).toEqual([true, true]);
    await turns();
    expect(calls).toHaveLength(2);
  });

  it('an abort that already happened sends nothing', async () => {
    const { client, calls } = heldClient();
    const controller = new AbortController();
    const reason = new Error('gone before it started');
    controller.abort(reason);
    const { input, log } = inputFor(client, 2 * PART, { signal: controller.signal });
    await expect(sendParts(input)).rejects.toBe(reason);
    expect(calls).toHaveLength(0);
    expect(log.sent).toEqual([]);
  });

  it('retries a failed part on its own: its bytes are taken back, the retry reported, and the part done on attempt 2', async () => {
    const { client, calls, sent, answer } = heldClient();
    const { input, log, parts } = inputFor(client, 2 * PART, { concurrency: 1 });
    const done = sendParts(input);
    await sent(1);
    calls[0]!.fail(retryableFailure());
    await sent(2);
    expect(calls[1]!.params.offset).toBe(0);
    expect(log.rolledBack).toEqual([PART]);
    expect(log.retries).toEqual([0]);
    answer(calls[1]!);
    await sent(3);
    answer(calls[2]!);
    expect(await done).toBe(2);
    expect(parts.map((part) => [part.offset, part.attempt])).toEqual([
      [0, 2],
      [PART, 1],
    ]);
    expect(log.sent).toEqual([PART, PART, PART]);
    expect(log.acked).toEqual([PART, PART]);
  });

  it("reads parts through the source's read() when it has one, and hands each buffer back once acknowledged", async () => {
    const { client, calls, sent, answer } = heldClient();
    const reads: [number, number][] = [];
    const recycled: Uint8Array[] = [];
    const source = {
      size: PART + 3,
      slice: () => {
        throw new Error('slice() must not be used when read() exists');
      },
      read: (start: number, end: number) => {
        reads.push([start, end]);
        return Promise.resolve(new Uint8Array(end - start));
      },
      recycle: (bytes: Uint8Array) => recycled.push(bytes),
      stream: () => new Blob([]).stream(),
    };
    const { input } = inputFor(client, PART + 3, { blob: source, concurrency: 1 });
    const done = sendParts(input);
    await sent(1);
    expect(recycled.length).toBe(0);
    answer(calls[0]!);
    await sent(2);
    // Compared by identity: the very buffers read() returned, not copies.
    expect(recycled.length).toBe(1);
    expect(recycled[0]).toBe(calls[0]!.body);
    answer(calls[1]!);
    await done;
    expect(reads).toEqual([
      [0, PART],
      [PART, PART + 3],
    ]);
    expect(recycled.length).toBe(2);
    expect(recycled[1]).toBe(calls[1]!.body);
  });

  it('a missing part MD5 is refused before anything is sent', async () => {
    const { client, calls } = heldClient();
    const { input } = inputFor(client, 3 * PART, { partMd5s: [md5Of(0), md5Of(1)] });
    await expect(sendParts(input)).rejects.toThrow('no MD5 for part 2');
    expect(calls).toHaveLength(0);
  });
});

describe("sendParts with concurrency 'auto'", () => {
  it('starts at AUTO_INITIAL_CONCURRENCY (5) parts in flight when nothing bounds it lower', async () => {
    const { client, calls, sent } = heldClient();
    const controller = new AbortController();
    const { input, log } = inputFor(client, 8 * PART, { concurrency: 'auto', signal: controller.signal });
    const done = sendParts(input);
    await sent(AUTO_INITIAL_CONCURRENCY);
    await turns();
    expect(calls).toHaveLength(AUTO_INITIAL_CONCURRENCY);
    expect(log.concurrency).toEqual([AUTO_INITIAL_CONCURRENCY]);
    controller.abort(new Error('enough'));
    await expect(done).rejects.toThrow('enough');
  });

  it('holds at most maxInFlightBytes of parts in flight', async () => {
    const { client, calls, sent } = heldClient();
    const controller = new AbortController();
    const { input, log } = inputFor(client, 8 * PART, {
      concurrency: 'auto',
      maxInFlightBytes: 3 * PART - 1,
      signal: controller.signal,
    });
    const done = sendParts(input);
    await sent(2);
    await turns();
    expect(calls).toHaveLength(2);
    expect(log.concurrency).toEqual([2]);
    controller.abort(new Error('enough'));
    await expect(done).rejects.toThrow('enough');
  });

  it("stays within the queue limiter's bound, and sends one at a time even when memory allows less than a part", async () => {
    for (const [limiterBound, maxInFlightBytes, expected] of [
      [3, 64 * PART, 3],
      [8, PART - 1, 1],
    ] as const) {
      const { client, calls, sent } = heldClient();
      const controller = new AbortController();
      const limiter: TaskLimiter = { run: (task) => task(), concurrency: limiterBound };
      const { input, log } = inputFor(client, 8 * PART, { concurrency: 'auto', maxInFlightBytes, limiter, signal: controller.signal });
      const done = sendParts(input);
      await sent(expected);
      await turns();
      expect(calls).toHaveLength(expected);
      expect(log.concurrency).toEqual([expected]);
      controller.abort(new Error('enough'));
      await expect(done).rejects.toThrow('enough');
    }
  });
});
