import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VodArgumentError, type VodAction } from '../src/protocol/index.js';
import { createRatePacer } from '../src/util/pacer.js';

/** Starts `count` acquisitions and records when (fake ms) each resolves or rejects. */
function start(pacer: ReturnType<typeof createRatePacer>, action: VodAction, count: number, signal?: AbortSignal) {
  const granted: (number | undefined)[] = new Array<number | undefined>(count).fill(undefined);
  const order: number[] = [];
  const promises = Array.from({ length: count }, (_, i) =>
    pacer.acquire(action, signal).then(
      () => {
        granted[i] = Date.now();
        order.push(i);
      },
      (error: unknown) => error,
    ),
  );
  return { granted, order, promises };
}

describe('rate pacer (fake clock)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => vi.useRealTimers());

  it('100 InitUploads go at once, the 101st waits until the first leaves the 60 s window', async () => {
    const pacer = createRatePacer();
    const t0 = Date.now();
    const first = start(pacer, 'InitUpload', 100);
    await vi.advanceTimersByTimeAsync(0);
    expect(first.granted.every((time) => time === t0)).toBe(true);

    await vi.advanceTimersByTimeAsync(10_000);
    const extra = start(pacer, 'InitUpload', 2);
    await vi.advanceTimersByTimeAsync(49_999);
    expect(extra.granted).toEqual([undefined, undefined]);
    expect(pacer.pending('InitUpload')).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    // Both go at t0 + 60 s: the first 100 left the window together.
    expect(extra.granted).toEqual([t0 + 60_000, t0 + 60_000]);
    expect(pacer.pending('InitUpload')).toBe(0);
  });

  it('no 60 s window ever holds more than the limit; waiters are served FIFO', async () => {
    const pacer = createRatePacer({ limits: { FinishUpload: 5 } });
    const grants: number[] = [];
    const order: number[] = [];
    // 23 callers arriving every 7 s.
    for (let i = 0; i < 23; i += 1) {
      void pacer.acquire('FinishUpload').then(() => {
        grants.push(Date.now());
        order.push(i);
      });
      await vi.advanceTimersByTimeAsync(7_000);
    }
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(grants).toHaveLength(23);
    expect(order).toEqual([...Array(23).keys()]);
    for (let i = 0; i + 5 < grants.length; i += 1) {
      // the 6th grant after any grant comes at least a full window later
      expect(grants[i + 5]! - grants[i]!).toBeGreaterThanOrEqual(60_000);
    }
    // and the pacer does not wait longer than needed: the 6th call went exactly when the 1st left
    expect(grants[5]! - grants[0]!).toBe(60_000);
  });

  it('actions are paced independently (parts are not slowed by Init/Finish)', async () => {
    const pacer = createRatePacer({ limits: { InitUpload: 1, UploadPart: 3 } });
    await pacer.acquire('InitUpload');
    const parts = start(pacer, 'UploadPart', 3);
    await vi.advanceTimersByTimeAsync(0);
    expect(parts.order).toEqual([0, 1, 2]);
    const secondInit = start(pacer, 'InitUpload', 1);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(secondInit.order).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(secondInit.order).toEqual([0]);
  });

  it('UploadPart allows 10 000 per minute by default, the 10 001st waits', async () => {
    const pacer = createRatePacer();
    const parts = start(pacer, 'UploadPart', 10_001);
    await vi.advanceTimersByTimeAsync(0);
    expect(parts.order).toHaveLength(10_000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(parts.order).toHaveLength(10_001);
  });

  it('an aborted waiter leaves the queue without consuming a grant; no timer outlives the queue', async () => {
    const pacer = createRatePacer({ limits: { UploadPart: 2 } });
    await pacer.acquire('UploadPart');
    await pacer.acquire('UploadPart');
    const controller = new AbortController();
    const waiting = start(pacer, 'UploadPart', 1, controller.signal);
    await vi.advanceTimersByTimeAsync(1_000);
    controller.abort();
    await expect(waiting.promises[0]).resolves.toMatchObject({ code: 'ABORTED' });
    expect(pacer.pending('UploadPart')).toBe(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);

    // The aborted one took no slot: after the window two more go at once.
    await vi.advanceTimersByTimeAsync(59_000);
    const later = start(pacer, 'UploadPart', 2);
    await vi.advanceTimersByTimeAsync(0);
    expect(later.order).toEqual([0, 1]);
  });

  it('an already-aborted signal rejects at once', async () => {
    const pacer = createRatePacer();
    await expect(pacer.acquire('InitUpload', AbortSignal.abort())).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('Infinity disables pacing for an action', async () => {
    const pacer = createRatePacer({ limits: { UploadPart: Number.POSITIVE_INFINITY } });
    const parts = start(pacer, 'UploadPart', 20_000);
    await vi.advanceTimersByTimeAsync(0);
    expect(parts.order).toHaveLength(20_000);
  });

  it('injected clock and sleep are used', async () => {
    let clock = 0;
    const sleeps: number[] = [];
    const pacer = createRatePacer({
      limits: { InitUpload: 1 },
      windowMs: 1_000,
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
    });
    await pacer.acquire('InitUpload');
    clock = 250;
    await pacer.acquire('InitUpload');
    expect(sleeps).toEqual([750]);
    expect(clock).toBe(1_000);
  });

  it('bad limits are typed errors naming the limit', () => {
    expect(() => createRatePacer({ limits: { UploadPart: 0 } })).toThrow(VodArgumentError);
    expect(() => createRatePacer({ limits: { InitUpload: 1.5 } })).toThrow(/limits\.InitUpload/);
    expect(() => createRatePacer({ windowMs: 0 })).toThrow(/windowMs/);
    expect(() => createRatePacer({ limits: { toString: 3 } as never })).toThrow(/limits/);
  });
});
