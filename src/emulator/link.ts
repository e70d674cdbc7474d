/**
 * An emulated network link between clients and the emulator, so uploads can be tried under real
 * conditions on one machine: a delay before each protocol answer (latency, with seeded jitter) and
 * one bandwidth shared by every request body (a token bucket on the bytes the emulator reads; a
 * server that reads slowly makes TCP slow the sender down, as a slow uplink does).
 *
 * Portable (timers only): it runs wherever the emulator runs.
 */
import { VodArgumentError } from '../protocol/index.js';
import type { BodySource } from './body.js';

/** The emulated link's settings (see `startEmulator`'s `latency` and `bandwidth`). */
export interface LinkOptions {
  /** Added before each protocol answer, in ms. Default 0. */
  latencyMs?: number;
  /** Each delay is `latencyMs` ± up to this many ms, drawn from a seeded generator. Default 0. */
  jitterMs?: number;
  /** Seed of the jitter's generator: the same seed gives the same delays. Default 1. */
  seed?: number;
  /** Request body bytes per second, shared by all requests. Default: unlimited. */
  bytesPerSecond?: number;
}

/** A link applied to requests: see {@link createLink}. */
export interface Link {
  /** Waits the next delay (resolves early when `cut` does). */
  delay(cut: Promise<void>): Promise<void>;
  /** The body, read no faster than the shared bandwidth allows. */
  throttle(body: BodySource): BodySource;
}

/** Bytes the bucket may send at once after an idle spell: 50 ms worth (at least 64 KiB). */
const BURST_MS = 50;
const MIN_BURST_BYTES = 64 * 1024;

function checkMs(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 600_000) {
    throw new VodArgumentError(name, 'a number of ms from 0 to 600000', value);
  }
  return value;
}

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number, cut: Promise<void>): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void cut.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });

/** A link with these settings, or undefined when it changes nothing. */
export function createLink(options: LinkOptions = {}): Link | undefined {
  const latencyMs = checkMs('latencyMs', options.latencyMs);
  const jitterMs = checkMs('jitterMs', options.jitterMs);
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new VodArgumentError('seed', 'an integer', seed);
  const rate = options.bytesPerSecond;
  if (rate !== undefined && !(typeof rate === 'number' && Number.isFinite(rate) && rate >= 1)) {
    throw new VodArgumentError('bytesPerSecond', 'a number of bytes per second ≥ 1', rate);
  }
  if (latencyMs === 0 && jitterMs === 0 && rate === undefined) return undefined;
  const random = seededRandom(seed);
  const never = new Promise<void>(() => {});
  const burstMs = rate === undefined ? 0 : Math.max(BURST_MS, (MIN_BURST_BYTES / rate) * 1000);
  // Token bucket as a virtual clock: `sentUntil` is when the bytes reserved so far have gone out.
  let sentUntil = 0;
  const reserve = (bytes: number): number => {
    if (rate === undefined) return 0;
    const now = Date.now();
    // After an idle spell the clock starts a burst in the past: that much goes out at once, no more.
    sentUntil = Math.max(sentUntil, now - burstMs) + (bytes / rate) * 1000;
    return Math.max(0, sentUntil - now);
  };

  async function* throttled(source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
    const iterable: AsyncIterable<Uint8Array> = Symbol.asyncIterator in source ? source : streamChunks(source);
    for await (const chunk of iterable) {
      const wait = reserve(chunk.length);
      if (wait > 0) await sleep(wait, never);
      yield chunk;
    }
  }

  return {
    delay(cut) {
      if (latencyMs === 0 && jitterMs === 0) return Promise.resolve();
      const ms = Math.max(0, latencyMs + (random() * 2 - 1) * jitterMs);
      return sleep(ms, cut);
    },
    throttle: (body) => (body === null || rate === undefined ? body : throttled(body)),
  };
}

/** A web stream as async chunks (runtimes whose ReadableStream is not async iterable). */
async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
