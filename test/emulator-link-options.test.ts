/**
 * createLink (src/emulator/link.ts) on its own: which options it accepts (bounds included), when it
 * makes no link at all, what its delays are, and the token bucket behind `throttle`. Times run on
 * vitest's fake clock, so they are exact and do not depend on how loaded the machine is.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLink, type Link, type LinkOptions } from '../src/emulator/link.js';
import { thrownArgumentError } from './helpers/thrown.js';

const KiB = 1024;
const MiB = 1048576;
const never = new Promise<void>(() => {});

const thrown = thrownArgumentError;

/** The chunks of `source` as a web stream. */
function streamOf(source: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await source.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
  });
}

/** A link that must exist. */
function linkOf(options: LinkOptions): Link {
  const link = createLink(options);
  if (!link) throw new Error('expected a link');
  return link;
}

describe('createLink options', () => {
  it('latencyMs and jitterMs take 0 to 600000 ms, and refuse 600001 naming the option', () => {
    expect(createLink({ latencyMs: 600_000 })).toBeDefined();
    expect(createLink({ jitterMs: 600_000 })).toBeDefined();
    expect(createLink({ latencyMs: 600_000, jitterMs: 600_000 })).toBeDefined();
    for (const name of ['latencyMs', 'jitterMs'] as const) {
      const error = thrown(() => createLink({ [name]: 600_001 }));
      expect(error.parameter).toBe(name);
      expect(error.message).toMatch(new RegExp(`^Invalid ${name}: expected a number of ms from 0 to 600000`));
      for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) expect(thrown(() => createLink({ [name]: bad })).parameter).toBe(name);
    }
  });

  it('bytesPerSecond takes 1 and more, refuses 0.5 naming the option', () => {
    expect(createLink({ bytesPerSecond: 1 })).toBeDefined();
    expect(createLink({ bytesPerSecond: 1.5 })).toBeDefined();
    for (const bad of [0.5, 0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = thrown(() => createLink({ bytesPerSecond: bad }));
      expect(error.parameter, String(bad)).toBe('bytesPerSecond');
      expect(error.message).toMatch(/^Invalid bytesPerSecond: expected a number of bytes per second ≥ 1/);
    }
  });

  it('the seed must be an integer, even when the link would change nothing', () => {
    expect(thrown(() => createLink({ seed: 1.5 })).parameter).toBe('seed');
    expect(thrown(() => createLink({ latencyMs: 10, seed: 0.5 })).message).toMatch(/^Invalid seed: expected an integer/);
    expect(createLink({ latencyMs: 10, seed: -3 })).toBeDefined();
  });

  it('no link when it changes nothing: no options, zero latency and jitter, or only a seed', () => {
    expect(createLink()).toBeUndefined();
    expect(createLink({})).toBeUndefined();
    expect(createLink({ latencyMs: 0, jitterMs: 0 })).toBeUndefined();
    expect(createLink({ seed: 9 })).toBeUndefined();
  });

  it('a link as soon as one setting does something: latency, jitter alone, or a rate alone', () => {
    expect(createLink({ latencyMs: 1 })).toBeDefined();
    expect(createLink({ jitterMs: 1 })).toBeDefined();
    expect(createLink({ bytesPerSecond: MiB })).toBeDefined();
    expect(createLink({ latencyMs: 0, jitterMs: 0, bytesPerSecond: MiB })).toBeDefined();
  });
});

describe('createLink on a fake clock', () => {
  let timeouts: number[] = [];
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    timeouts = [];
    const fake = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((handler: () => void, ms?: number) => {
      timeouts.push(ms ?? 0);
      return fake(handler, ms);
    }) as typeof setTimeout);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  /** Whether `promise` settled after letting due timers and microtasks run (without moving the clock). */
  async function settledNow(promise: Promise<unknown>): Promise<boolean> {
    let settled = false;
    void promise.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(0);
    return settled;
  }

  /** The ms each of `count` delays waits, as asked of setTimeout. */
  async function delaysOf(link: Link, count: number): Promise<number[]> {
    const start = timeouts.length;
    for (let i = 0; i < count; i++) {
      const done = link.delay(never);
      await vi.runOnlyPendingTimersAsync();
      expect(await settledNow(done)).toBe(true);
    }
    return timeouts.slice(start);
  }

  it('each delay is latency ± jitter, drawn from the seed: the same seed gives the same delays, another seed others', async () => {
    const first = await delaysOf(linkOf({ latencyMs: 100, jitterMs: 40, seed: 7 }), 40);
    expect(first).toHaveLength(40);
    for (const ms of first) {
      expect(ms).toBeGreaterThanOrEqual(60);
      expect(ms).toBeLessThanOrEqual(140);
    }
    // The jitter spreads the delays over both sides of the latency.
    expect(first.some((ms) => ms < 90)).toBe(true);
    expect(first.some((ms) => ms > 110)).toBe(true);
    expect(await delaysOf(linkOf({ latencyMs: 100, jitterMs: 40, seed: 7 }), 40)).toEqual(first);
    expect(await delaysOf(linkOf({ latencyMs: 100, jitterMs: 40, seed: 8 }), 40)).not.toEqual(first);
    expect(await delaysOf(linkOf({ latencyMs: 100, jitterMs: 40 }), 40)).toEqual(
      await delaysOf(linkOf({ latencyMs: 100, jitterMs: 40, seed: 1 }), 40),
    );
  });

  it('without jitter every delay is the latency; jitter over the latency never waits less than 0', async () => {
    expect(await delaysOf(linkOf({ latencyMs: 250 }), 5)).toEqual([250, 250, 250, 250, 250]);
    const wide = await delaysOf(linkOf({ latencyMs: 10, jitterMs: 1000, seed: 3 }), 40);
    expect(Math.min(...wide)).toBe(0);
    expect(Math.max(...wide)).toBeGreaterThan(10);
    for (const ms of wide) expect(ms).toBeLessThanOrEqual(1010);
  });

  it('a delay waits its time, not less; a resolved cut ends it at once', async () => {
    const link = linkOf({ latencyMs: 600_000 });
    const full = link.delay(never);
    await vi.advanceTimersByTimeAsync(599_999);
    expect(await settledNow(full)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settledNow(full)).toBe(true);
    let cut: () => void = () => {};
    const cutShort = link.delay(new Promise<void>((resolve) => (cut = resolve)));
    expect(await settledNow(cutShort)).toBe(false);
    cut();
    expect(await settledNow(cutShort)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a link with only a rate does not delay answers (no timer at all)', async () => {
    const link = linkOf({ bytesPerSecond: MiB });
    expect(await settledNow(link.delay(never))).toBe(true);
    expect(timeouts).toEqual([]);
  });

  it('throttle leaves a null body, and any body of a link without a rate, as it is', () => {
    const stream = new ReadableStream<Uint8Array>();
    expect(linkOf({ latencyMs: 5 }).throttle(stream)).toBe(stream);
    expect(linkOf({ bytesPerSecond: MiB }).throttle(null)).toBeNull();
  });

  /** Pushes `chunks` chunks of `size` bytes through `link`; the fake time at which each came out, from the start. */
  async function arrivals(link: Link, chunks: number, size: number, asStream = false): Promise<number[]> {
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < chunks; i++) yield new Uint8Array(size).fill(i);
    }
    const body = asStream ? streamOf(source()) : source();
    const throttled = link.throttle(body);
    if (!throttled || throttled instanceof ReadableStream) throw new Error('expected async chunks');
    const start = Date.now();
    const times: number[] = [];
    const bytes: number[] = [];
    const reading = (async () => {
      for await (const chunk of throttled) {
        times.push(Date.now() - start);
        bytes.push(chunk.length, chunk[0] ?? -1);
      }
    })();
    // One fake ms at a time, bounded: at most 10 fake minutes.
    let ms = 0;
    while (ms < 600_000 && !(await settledNow(reading))) {
      await vi.advanceTimersByTimeAsync(1);
      ms++;
    }
    await reading;
    expect(bytes).toEqual(Array.from({ length: chunks }, (_, i) => [size, i]).flat());
    return times;
  }

  it('a first burst of 64 KiB passes at once, then the bytes go at the rate (1 MiB at 1 MiB/s)', async () => {
    const times = await arrivals(linkOf({ bytesPerSecond: MiB }), 16, 64 * KiB);
    expect(times[0]).toBe(0);
    // 64 KiB is 62.5 ms at this rate, the burst (more than 50 ms): 1 MiB takes 1 s less the burst, 937.5 ms.
    // (A burst counted twice, as before, let 128 KiB through at once: 875 ms.)
    expect(times[1]).toBeGreaterThan(0);
    const last = times.at(-1)!;
    expect(last).toBeGreaterThanOrEqual((MiB - 64 * KiB) / MiB / 1e-3 - 1);
    expect(last).toBeLessThanOrEqual((MiB - 64 * KiB) / MiB / 1e-3 + 1);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(63.5);
  });

  it('at a high rate the burst is 50 ms worth: at 20 MiB/s the first 1 MiB passes at once, not more; 3 MiB take 150 ms less the burst', async () => {
    const link = linkOf({ bytesPerSecond: 20 * MiB });
    const times = await arrivals(link, 48, 64 * KiB, true);
    expect(times.slice(0, 16)).toEqual(Array(16).fill(0));
    expect(times[16]).toBeGreaterThan(0);
    const last = times.at(-1)!;
    // 3 MiB at 20 MiB/s is 150 ms, less the 50 ms burst.
    expect(last).toBeGreaterThanOrEqual(100 - 1);
    expect(last).toBeLessThanOrEqual(100 + 1);
  });

  it('bodies share the bucket: after one 1 MiB body at 1 MiB/s, the next one waits from its first chunk', async () => {
    const link = linkOf({ bytesPerSecond: MiB });
    await arrivals(link, 16, 64 * KiB);
    const next = await arrivals(link, 1, 64 * KiB);
    expect(next[0]).toBeGreaterThanOrEqual(60);
  });
});
