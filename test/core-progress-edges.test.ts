/**
 * The progress tracker's edges, on a fake clock: options refused by name, the whole-job figure's
 * exact weighting (measured hashing and sending speeds, which phase counts what is left), eta only
 * while uploading with a speed, the throttle's edges, phase changes, and what `done` and `dispose`
 * end.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProgressTracker, type ProgressOptions, type ProgressState, type ProgressTracker } from '../src/core/progress.js';
import { VodArgumentError } from '../src/protocol/index.js';

const MiB = 1048576;
/** The speeds the tracker assumes until it measured one (bytes/s). */
const ASSUMED_HASH = 200 * MiB;
const ASSUMED_SEND = 8 * MiB;

function track(options: ProgressOptions) {
  const tracker = createProgressTracker({ intervalMs: 0, ...options });
  const events: ProgressState[] = [];
  tracker.on('progress', (state) => events.push(state));
  return { tracker, events };
}

/** The share of what was left of the whole-job bar that `step` took (0–1). */
function shareOf(tracker: ProgressTracker, step: () => void): number {
  const before = tracker.state.overallPercent / 100;
  step();
  return (tracker.state.overallPercent / 100 - before) / (1 - before);
}

/** The share new work takes: its expected seconds over themselves plus the seconds still expected. */
const expectedShare = (work: number, left: number): number => work / (work + left);

function thrown(fn: () => unknown): VodArgumentError {
  try {
    fn();
  } catch (error) {
    if (error instanceof VodArgumentError) return error;
    throw error;
  }
  throw new Error('expected a VodArgumentError');
}

describe('createProgressTracker options', () => {
  it.each([Number.NaN, Number.POSITIVE_INFINITY, -1])('intervalMs %s is refused by name', (intervalMs) => {
    const error = thrown(() => createProgressTracker({ totalBytes: 1, intervalMs }));
    expect(error.parameter).toBe('intervalMs');
    expect(error.message).toContain('expected a finite number ≥ 0');
  });

  it('intervalMs 0 is taken: every update is emitted', () => {
    const { tracker, events } = track({ totalBytes: 10, phase: 'uploading', intervalMs: 0 });
    tracker.sent(1);
    tracker.sent(1);
    expect(events.map((e) => e.sentBytes)).toEqual([1, 2]);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, -1, 0])('smoothingMs %s is refused by name', (smoothingMs) => {
    const error = thrown(() => createProgressTracker({ totalBytes: 1, smoothingMs }));
    expect(error.parameter).toBe('smoothingMs');
    expect(error.message).toContain('expected a finite number > 0');
  });

  it('a tiny smoothingMs is taken', () => {
    expect(() => createProgressTracker({ totalBytes: 1, smoothingMs: 0.001 })).not.toThrow();
  });

  it('totalBytes 0 is taken, with percent 0 until done; a negative or fractional one is refused by name', () => {
    const { tracker } = track({ totalBytes: 0 });
    expect(tracker.state).toMatchObject({ percent: 0, overallPercent: 0 });
    tracker.phase('uploading');
    expect(tracker.state.percent).toBe(0);
    tracker.done();
    expect(tracker.state.percent).toBe(100);
    for (const totalBytes of [-1, 1.5]) {
      const error = thrown(() => createProgressTracker({ totalBytes }));
      expect(error.parameter).toBe('totalBytes');
      expect(error.message).toContain('expected an integer ≥ 0');
    }
  });

  it.each(['hashed', 'held', 'sent', 'acked', 'rolledBack'] as const)('%s refuses -1, NaN and Infinity, naming the method', (method) => {
    const { tracker, events } = track({ totalBytes: 100, phase: 'uploading' });
    for (const bytes of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = thrown(() => tracker[method](bytes));
      expect(error.parameter).toBe(`${method}(bytes)`);
      expect(error.message).toContain('expected a finite number ≥ 0');
    }
    expect(events).toEqual([]);
  });
});

describe('progress tracker (fake clock)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => vi.useRealTimers());

  describe('the whole-job figure', () => {
    it('a report at the instant hashing started weighs at the assumed hashing speed', () => {
      const total = 100 * MiB;
      const { tracker } = track({ totalBytes: total });
      const share = shareOf(tracker, () => tracker.hashed(10 * MiB));
      // Hashing 10 MiB of 100, then sending 100 MiB, all at the assumed speeds.
      expect(share).toBeCloseTo(expectedShare((10 * MiB) / ASSUMED_HASH, (90 * MiB) / ASSUMED_HASH + total / ASSUMED_SEND), 9);
    });

    it('while hashing, what is left counts the hashing still to do and the whole send', () => {
      const total = 100 * MiB;
      const { tracker } = track({ totalBytes: total });
      vi.advanceTimersByTime(1000);
      // 10 MiB in 1 s: 10 MiB/s measured; sending still assumed.
      const share = shareOf(tracker, () => tracker.hashed(10 * MiB));
      expect(share).toBeCloseTo(expectedShare(1, 9 + total / ASSUMED_SEND), 9);
    });

    it('while uploading, hashing counts for nothing left: at one speed the figure is the share of bytes acknowledged', () => {
      const { tracker } = track({ totalBytes: 10 * MiB, phase: 'uploading' });
      for (let i = 1; i <= 5; i += 1) {
        vi.advanceTimersByTime(100);
        tracker.sent(MiB);
        tracker.acked(MiB);
        expect(tracker.state.overallPercent).toBeCloseTo(i * 10, 9);
      }
    });

    it('the hashing speed measured while hashing holds through uploading: a restart weighs its first report at it', () => {
      const total = 100 * MiB;
      const { tracker } = track({ totalBytes: total });
      vi.advanceTimersByTime(1000);
      tracker.hashed(total); // 100 MiB/s
      tracker.phase('uploading');
      vi.advanceTimersByTime(9000);
      tracker.held(50 * MiB); // nothing sent: the send speed stays assumed
      tracker.restart();
      expect(tracker.state.speed).toBe(0);
      const share = shareOf(tracker, () => tracker.hashed(10 * MiB)); // at the instant the new job started
      expect(share).toBeCloseTo(expectedShare(0.1, 0.9 + total / ASSUMED_SEND), 9);
    });

    it('the hashing speed is measured up to the phase change, not the last report', () => {
      const total = 100 * MiB;
      const { tracker } = track({ totalBytes: total });
      vi.advanceTimersByTime(1000);
      tracker.hashed(total);
      vi.advanceTimersByTime(1000);
      tracker.phase('uploading'); // 100 MiB in 2 s: 50 MiB/s
      tracker.restart();
      const share = shareOf(tracker, () => tracker.hashed(10 * MiB));
      expect(share).toBeCloseTo(expectedShare(0.2, 1.8 + total / ASSUMED_SEND), 9);
    });

    it('a restarted job keeps the measured hashing speed until it hashed something', () => {
      const total = 100 * MiB;
      const { tracker } = track({ totalBytes: total });
      vi.advanceTimersByTime(1000);
      tracker.hashed(total); // 100 MiB/s
      tracker.restart();
      vi.advanceTimersByTime(1000);
      // The service holds 1 MiB; hashing 100 MiB at the measured 100 MiB/s is still ahead.
      const share = shareOf(tracker, () => tracker.held(MiB));
      expect(share).toBeCloseTo(expectedShare(MiB / ASSUMED_SEND, 1 + (99 * MiB) / ASSUMED_SEND), 9);
    });

    it('hashing entered later measures its speed from then, not from the tracker’s creation', () => {
      const total = 100 * MiB;
      const { tracker } = track({ totalBytes: total, phase: 'uploading' });
      vi.advanceTimersByTime(10_000);
      tracker.hashing();
      vi.advanceTimersByTime(1000);
      const share = shareOf(tracker, () => tracker.hashed(10 * MiB)); // 10 MiB/s
      expect(share).toBeCloseTo(expectedShare(1, 9 + total / ASSUMED_SEND), 9);
    });

    it('a measured send speed replaces the assumed one in what is left', () => {
      const total = 10 * MiB;
      const { tracker } = track({ totalBytes: total, phase: 'uploading' });
      for (let i = 0; i < 4; i += 1) {
        vi.advanceTimersByTime(1000);
        tracker.sent(MiB);
        tracker.acked(MiB);
      }
      expect(tracker.state.speed).toBe(MiB);
      tracker.restart(); // the speed stays measured
      const share = shareOf(tracker, () => tracker.hashed(MiB));
      expect(share).toBeCloseTo(expectedShare(MiB / ASSUMED_HASH, (9 * MiB) / ASSUMED_HASH + total / MiB), 9);
    });
  });

  describe('eta', () => {
    /** Uploading at exactly 1 MiB/s for `seconds`. */
    function sending(totalBytes: number, seconds: number) {
      const tracked = track({ totalBytes, phase: 'uploading' });
      for (let i = 0; i < seconds; i += 1) {
        vi.advanceTimersByTime(1000);
        tracked.tracker.sent(MiB);
        tracked.tracker.acked(MiB);
      }
      return tracked;
    }

    it('is the bytes left at the speed while uploading', () => {
      const { tracker } = sending(10 * MiB, 4);
      expect(tracker.state).toMatchObject({ speed: MiB, eta: 6 });
    });

    it('is undefined while finishing, even with a speed, and 0 once done', () => {
      const { tracker } = sending(4 * MiB, 4);
      tracker.phase('finishing');
      expect(tracker.state.speed).toBe(MiB);
      expect(tracker.state.eta).toBeUndefined();
      tracker.phase('done');
      expect(tracker.state.eta).toBe(0);
    });

    it('is undefined while hashing again after a restart, even with a speed', () => {
      const { tracker } = sending(10 * MiB, 2);
      tracker.restart();
      expect(tracker.state.speed).toBe(MiB);
      expect(tracker.state).toMatchObject({ phase: 'hashing', eta: undefined });
    });

    it('is undefined while uploading without a speed, even with nothing left to send', () => {
      const { tracker } = track({ totalBytes: 4 * MiB, phase: 'uploading' });
      vi.advanceTimersByTime(1000);
      tracker.held(4 * MiB);
      expect(tracker.state).toMatchObject({ sentBytes: 4 * MiB, speed: 0, eta: undefined });
    });
  });

  describe('phase changes', () => {
    /** Uploading at 2 MiB/s for 2 s, 1 MiB of it acknowledged. */
    function midUpload() {
      const tracked = track({ totalBytes: 10 * MiB, phase: 'uploading' });
      for (let i = 0; i < 2; i += 1) {
        vi.advanceTimersByTime(1000);
        tracked.tracker.sent(2 * MiB);
      }
      tracked.tracker.acked(MiB);
      return tracked;
    }

    it('finishing keeps the send speed', () => {
      const { tracker } = track({ totalBytes: 2 * MiB, phase: 'uploading' });
      vi.advanceTimersByTime(1000);
      tracker.sent(2 * MiB);
      tracker.acked(2 * MiB);
      tracker.phase('finishing');
      expect(tracker.state.speed).toBe(2 * MiB);
    });

    it('uploading again with parts in flight keeps the send speed', () => {
      const { tracker } = midUpload();
      tracker.phase('finishing');
      tracker.phase('uploading');
      expect(tracker.state).toMatchObject({ sentBytes: 4 * MiB, ackedBytes: MiB, speed: 2 * MiB });
    });

    it('done counts the whole file acknowledged, as after an instant upload', () => {
      const { tracker } = track({ totalBytes: 5 * MiB });
      tracker.phase('done');
      expect(tracker.state).toMatchObject({ ackedBytes: 5 * MiB, sentBytes: 0, percent: 100 });
    });

    it('done emits one event', () => {
      const { tracker, events } = midUpload();
      events.length = 0;
      tracker.done();
      expect(events.map((e) => e.phase)).toEqual(['done']);
    });

    it('after done, nothing changes and nothing is emitted', () => {
      const { tracker, events } = track({ totalBytes: 10 * MiB, phase: 'uploading' });
      tracker.sent(2 * MiB);
      tracker.concurrency(4);
      tracker.done();
      const final = tracker.state;
      const emitted = events.length;
      tracker.sent(MiB);
      tracker.acked(MiB);
      tracker.rolledBack(MiB);
      tracker.hashed(MiB);
      tracker.held(MiB);
      tracker.concurrency(8);
      tracker.restart();
      tracker.hashing();
      tracker.phase('uploading');
      tracker.flush();
      expect(tracker.state).toEqual(final);
      expect(final).toMatchObject({ phase: 'done', sentBytes: 2 * MiB, concurrency: 4 });
      expect(events).toHaveLength(emitted);
    });
  });

  describe('counters', () => {
    it('an acknowledgement never leaves sentBytes below ackedBytes, nor lowers it', () => {
      const { tracker } = track({ totalBytes: 10 * MiB, phase: 'uploading' });
      tracker.acked(MiB); // answered before its send was counted
      expect(tracker.state).toMatchObject({ sentBytes: MiB, ackedBytes: MiB });
      tracker.sent(3 * MiB);
      tracker.acked(MiB); // parts still in flight
      expect(tracker.state).toMatchObject({ sentBytes: 4 * MiB, ackedBytes: 2 * MiB });
    });

    it('a running total that did not grow is no news: no event', () => {
      const { tracker, events } = track({ totalBytes: 10 * MiB, phase: 'uploading' });
      tracker.hashed(MiB);
      tracker.held(MiB);
      expect(events).toHaveLength(2);
      tracker.hashed(MiB);
      tracker.held(MiB);
      expect(events).toHaveLength(2);
    });

    it('the concurrency is emitted when the figure changes, not when it is repeated', () => {
      const { tracker, events } = track({ totalBytes: 10, phase: 'uploading' });
      tracker.concurrency(4);
      tracker.concurrency(4);
      tracker.concurrency(8);
      expect(events.map((e) => e.concurrency)).toEqual([4, 8]);
    });
  });

  describe('throttle', () => {
    it('an update exactly one interval after the last event is emitted at once', () => {
      const { tracker, events } = track({ totalBytes: 100, phase: 'uploading', intervalMs: 100 });
      tracker.sent(1);
      vi.advanceTimersByTime(100);
      tracker.sent(1);
      expect(events.map((e) => e.sentBytes)).toEqual([1, 2]);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('flush with nothing pending emits nothing', () => {
      const { tracker, events } = track({ totalBytes: 100, phase: 'uploading', intervalMs: 100 });
      tracker.sent(1);
      tracker.flush();
      expect(events).toHaveLength(1);
    });

    it('flush and dispose clear the pending timer', () => {
      const { tracker } = track({ totalBytes: 100, phase: 'uploading', intervalMs: 100 });
      tracker.sent(1);
      tracker.sent(1);
      expect(vi.getTimerCount()).toBe(1);
      tracker.flush();
      expect(vi.getTimerCount()).toBe(0);
      tracker.sent(1);
      expect(vi.getTimerCount()).toBe(1);
      tracker.dispose();
      expect(vi.getTimerCount()).toBe(0);
    });

    it('after dispose nothing is emitted, not even by a trailing timer that could not be cancelled', () => {
      const pending: (() => void)[] = [];
      const tracker = createProgressTracker({
        totalBytes: 100,
        phase: 'uploading',
        intervalMs: 100,
        schedule: (fn) => {
          pending.push(fn);
          return () => {};
        },
      });
      const events: ProgressState[] = [];
      tracker.on('progress', (state) => events.push(state));
      tracker.sent(1);
      tracker.sent(1);
      expect(pending).toHaveLength(1);
      tracker.dispose();
      for (const fn of pending) fn();
      vi.advanceTimersByTime(1000);
      tracker.sent(1);
      tracker.phase('finishing');
      tracker.done();
      expect(events.map((e) => e.sentBytes)).toEqual([1]);
    });
  });
});
