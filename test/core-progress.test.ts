import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VodArgumentError } from '../src/protocol/index.js';
import { createProgressTracker, type ProgressState } from '../src/core/progress.js';
import { createEmitter } from '../src/util/emitter.js';

const MiB = 1048576;

function track(totalBytes: number, phase?: ProgressState['phase']) {
  const tracker = createProgressTracker({ totalBytes, phase });
  const events: (ProgressState & { at: number })[] = [];
  tracker.on('progress', (state) => events.push({ ...state, at: Date.now() }));
  return { tracker, events };
}

describe('progress tracker (fake clock)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => vi.useRealTimers());

  it('a burst of 1000 updates over 1 s emits at most ~10 events, the last state included', async () => {
    const { tracker, events } = track(1000 * 4096, 'uploading');
    events.length = 0;
    for (let i = 0; i < 1000; i += 1) {
      tracker.sent(4096);
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(200);
    expect(events.length).toBeGreaterThanOrEqual(9);
    expect(events.length).toBeLessThanOrEqual(11);
    for (let i = 1; i < events.length; i += 1) expect(events[i]!.at - events[i - 1]!.at).toBeGreaterThanOrEqual(100);
    // the trailing event carries the final counters
    expect(events.at(-1)!.sentBytes).toBe(1000 * 4096);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('1000 updates within one instant give one leading and one trailing event', async () => {
    const { tracker, events } = track(10_000, 'uploading');
    events.length = 0;
    for (let i = 0; i < 1000; i += 1) tracker.sent(10);
    await vi.advanceTimersByTimeAsync(100);
    expect(events.map((e) => e.sentBytes)).toEqual([10, 10_000]);
  });

  it('phase changes and done are emitted at once, whatever the throttle', () => {
    const { tracker, events } = track(100);
    tracker.hashed(10);
    tracker.phase('uploading');
    tracker.sent(100);
    tracker.acked(100);
    tracker.phase('finishing');
    tracker.phase('done');
    expect(events.map((e) => e.phase)).toEqual(['hashing', 'uploading', 'finishing', 'done']);
    expect(events.at(-1)).toMatchObject({ percent: 100, ackedBytes: 100, eta: 0 });
  });

  it('percent stays below 100 until done, even with every byte acknowledged', () => {
    const { tracker } = track(2 * MiB, 'uploading');
    tracker.sent(2 * MiB);
    tracker.acked(2 * MiB);
    expect(tracker.state.percent).toBeLessThan(100);
    expect(tracker.state.percent).toBeGreaterThan(99);
    tracker.phase('finishing');
    expect(tracker.state.percent).toBeLessThan(100);
    tracker.phase('done');
    expect(tracker.state.percent).toBe(100);
    // done is final
    tracker.rolledBack(MiB);
    tracker.phase('uploading');
    expect(tracker.state).toMatchObject({ phase: 'done', percent: 100, sentBytes: 2 * MiB });
  });

  it('percent follows the current phase: hashed bytes while hashing, acknowledged bytes after', () => {
    const { tracker } = track(4 * MiB);
    tracker.hashed(MiB);
    expect(tracker.state.percent).toBe(25);
    tracker.phase('uploading');
    expect(tracker.state.percent).toBe(0);
    tracker.sent(2 * MiB);
    expect(tracker.state.percent).toBe(0); // sent is not confirmed
    tracker.acked(MiB);
    expect(tracker.state.percent).toBe(25);
  });

  it('rollback takes a failed part back from sentBytes, never below ackedBytes', () => {
    const { tracker } = track(3 * MiB, 'uploading');
    tracker.sent(MiB);
    tracker.acked(MiB);
    tracker.sent(MiB);
    tracker.sent(MiB);
    expect(tracker.state.sentBytes).toBe(3 * MiB);
    tracker.rolledBack(MiB);
    expect(tracker.state).toMatchObject({ sentBytes: 2 * MiB, ackedBytes: MiB });
    tracker.rolledBack(5 * MiB);
    expect(tracker.state.sentBytes).toBe(MiB);
  });

  it('skipped parts count as acknowledged but not as speed', async () => {
    const { tracker } = track(10 * MiB, 'uploading');
    tracker.held(8 * MiB);
    await vi.advanceTimersByTimeAsync(1000);
    tracker.flush();
    expect(tracker.state).toMatchObject({ sentBytes: 8 * MiB, ackedBytes: 8 * MiB, percent: 80 });
    expect(tracker.state.speed).toBe(0);
    expect(tracker.state.eta).toBeUndefined();
  });

  it('speed is the smoothed send rate and eta follows from it', async () => {
    const { tracker, events } = track(100 * MiB);
    await vi.advanceTimersByTimeAsync(10_000); // hashing time does not dilute the speed
    tracker.phase('uploading');
    for (let second = 0; second < 10; second += 1) {
      await vi.advanceTimersByTimeAsync(1000);
      tracker.sent(MiB); // 1 MiB/s
    }
    const last = events.at(-1)!;
    expect(last.speed).toBeCloseTo(MiB, -2);
    expect(last.eta).toBeCloseTo(90, 0);

    // Speed changes smoothly: after a jump to 4 MiB/s it moves towards it, not at once.
    await vi.advanceTimersByTimeAsync(1000);
    tracker.sent(4 * MiB);
    const after = tracker.state.speed;
    expect(after).toBeGreaterThan(1.2 * MiB);
    expect(after).toBeLessThan(3 * MiB);
  });

  it('hashed and held take running totals as the hasher and a resumed session report them; a new hash job starts at 0', () => {
    const { tracker } = track(10 * MiB);
    tracker.hashing();
    tracker.hashed(2 * MiB);
    tracker.hashed(3 * MiB);
    tracker.hashed(MiB); // an older report changes nothing
    expect(tracker.state.hashedBytes).toBe(3 * MiB);
    tracker.hashing(); // the job was interrupted: the next one reads from byte 0
    expect(tracker.state.hashedBytes).toBe(0);
    tracker.hashed(MiB);
    expect(tracker.state.hashedBytes).toBe(MiB);
    tracker.phase('uploading');
    tracker.sent(MiB);
    tracker.acked(MiB);
    tracker.held(4 * MiB); // the service holds 4 MiB, 1 MiB of them acknowledged here
    expect(tracker.state).toMatchObject({ sentBytes: 4 * MiB, ackedBytes: 4 * MiB });
    tracker.held(2 * MiB);
    expect(tracker.state).toMatchObject({ sentBytes: 4 * MiB, ackedBytes: 4 * MiB });
  });

  it('restart zeroes the counters and returns to hashing', () => {
    const { tracker, events } = track(MiB, 'uploading');
    tracker.sent(MiB);
    tracker.restart();
    expect(events.at(-1)).toMatchObject({ phase: 'hashing', sentBytes: 0, ackedBytes: 0, hashedBytes: 0 });
  });

  it('dispose cancels the trailing event; flush sends it now', async () => {
    const { tracker, events } = track(100, 'uploading');
    tracker.sent(1);
    tracker.sent(2);
    expect(events.map((e) => e.sentBytes)).toEqual([1]); // the leading event; 3 is pending
    tracker.flush();
    expect(events.at(-1)!.sentBytes).toBe(3);
    tracker.sent(4);
    tracker.dispose();
    await vi.advanceTimersByTimeAsync(1000);
    expect(events.at(-1)!.sentBytes).toBe(3);
  });

  it('bad input is a typed error', () => {
    const { tracker } = track(100);
    expect(() => tracker.sent(-1)).toThrow(VodArgumentError);
    expect(() => tracker.hashed(Number.NaN)).toThrow(/hashed/);
    expect(() => createProgressTracker({ totalBytes: -5 })).toThrow(/totalBytes/);
  });
});

describe('createEmitter', () => {
  it('delivers typed payloads, unsubscribes, and isolates a throwing listener', async () => {
    const emitter = createEmitter<{ tick: number }>();
    const seen: number[] = [];
    const unhandled: unknown[] = [];
    const onError = (error: unknown) => unhandled.push(error);
    process.on('uncaughtException', onError);
    try {
      emitter.on('tick', () => {
        throw new Error('listener bug');
      });
      const off = emitter.on('tick', (n) => seen.push(n));
      emitter.emit('tick', 1);
      off();
      emitter.emit('tick', 2);
      expect(seen).toEqual([1]);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(unhandled).toHaveLength(2);
    } finally {
      process.off('uncaughtException', onError);
    }
  });
});
