/**
 * A synthetic link on a fake clock, for `concurrency: 'auto'`'s controller: an event-by-event
 * replay of one upload's parts as the part sender sends them (up to the figure in flight, the next
 * part as soon as one lands). Each part's body shares a bottleneck (a CPU or an uplink: processor
 * sharing, less efficient with every part in flight beyond a knee), then waits the latency ± a
 * seeded jitter for its answer. Parts sent together land together: the acknowledgements arrive in
 * bursts, as they do over a real link.
 */
import { createAutoConcurrency } from '../../src/core/auto-concurrency.js';
import type { ConcurrencyDecision } from '../../src/core/concurrency-types.js';
import { createFlightMeter, type FlightTicket } from '../../src/core/flight-meter.js';
import { AUTO_INITIAL_CONCURRENCY } from '../../src/util/concurrency.js';

export interface LinkModel {
  /** ms before each answer, after the body went through. */
  latencyMs: number;
  /** ± ms around `latencyMs`, uniform, from a generator seeded with `seed`. */
  jitterMs?: number;
  /** Bytes per ms of the bottleneck, shared by the bodies going through. */
  bytesPerMs: number;
  /** Parts in flight beyond which the bottleneck loses `lossPerPart` of its speed per extra part (connections, memory). */
  knee?: number;
  lossPerPart?: number;
  seed?: number;
  /**
   * `'shared'` (default): the bodies in flight share the bottleneck, so parts sent together land
   * together; `'in-turn'`: one body at a time, in the order sent; `'newest-first'`: one at a time,
   * the last sent first; `'hot-first'`: a few at a time, on the connections served last, the
   * others left waiting (a loaded emulator on loopback: some parts 30 ms, others 600 ms).
   */
  bodies?: 'shared' | 'in-turn' | 'newest-first' | 'hot-first';
  /** `'hot-first'`: the bottleneck serves this many bodies at once (default 6), on the connections it served last. */
  served?: number;
  /** The bottleneck's speed varies by up to ± this fraction, drawn anew every 50 ms (other work on the machine). */
  speedNoise?: number;
}

export interface ModelRun {
  /** Bytes per ms over the whole upload. */
  bytesPerMs: number;
  /** The figure after each acknowledgement (auto) or the fixed one. */
  limits: number[];
  /** Each change, with how many parts had landed when it was made. */
  decisions: (ConcurrencyDecision & { landed: number })[];
}

const SLICE_MS = 50;

/** A small seeded generator (mulberry32): the same seed gives the same jitter. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Part {
  remaining: number;
  answerAt: number;
  startedAt: number;
  seq: number;
  token: FlightTicket;
  connection: number;
}

/** The bodies the bottleneck moves now, of those `waiting` (in the order sent). */
function servedNow(link: LinkModel, waiting: Part[], lastServed: ReadonlyMap<number, number>): Part[] {
  if (link.bodies === 'in-turn') return waiting.slice(0, 1);
  if (link.bodies === 'newest-first') return waiting.slice(-1);
  if (link.bodies !== 'hot-first') return waiting;
  const servedAt = (part: Part) => lastServed.get(part.connection) ?? -1;
  return [...waiting].sort((a, b) => servedAt(b) - servedAt(a) || a.seq - b.seq).slice(0, link.served ?? 6);
}

/** One upload of `parts` parts of `bytes` over `link`, with `concurrency` fixed or `'auto'` (bounded by `max`). */
export function runModel(link: LinkModel, parts: number, concurrency: number | 'auto', bytes = 1048576, max = 32): ModelRun {
  const random = seeded(link.seed ?? 1);
  const decisions: ModelRun['decisions'] = [];
  const auto =
    concurrency === 'auto'
      ? createAutoConcurrency({ initial: AUTO_INITIAL_CONCURRENCY, max }, 0, (decision) => decisions.push({ ...decision, landed: done }))
      : undefined;
  const limit = () => auto?.limit ?? (concurrency as number);
  const meter = createFlightMeter();
  const inFlight: Part[] = [];
  const limits: number[] = [];
  let now = 0;
  let next = 0;
  const noise = seeded((link.seed ?? 1) + 1000);
  let sliceEnds = 0;
  let speed = 1;
  let done = 0;
  const lastServed = new Map<number, number>();
  // Bounded: every step ends a body, lands a part or a 50 ms slice of speed.
  for (let step = 0; done < parts && step < 100_000; step++) {
    while (inFlight.length < limit() && next < parts) {
      const busy = new Set(inFlight.map((part) => part.connection));
      let connection = 0;
      while (busy.has(connection)) connection += 1;
      inFlight.push({
        remaining: bytes,
        answerAt: Number.POSITIVE_INFINITY,
        startedAt: now,
        seq: next,
        token: meter.start(now),
        connection,
      });
      next += 1;
    }
    const waiting = inFlight.filter((part) => part.remaining > 0);
    const sending = servedNow(link, waiting, lastServed);
    for (const part of sending) lastServed.set(part.connection, now);
    const extra = Math.max(0, inFlight.length - (link.knee ?? Number.POSITIVE_INFINITY));
    while (now >= sliceEnds) {
      sliceEnds += SLICE_MS;
      speed = 1 + (noise() * 2 - 1) * (link.speedNoise ?? 0);
    }
    const share = sending.length === 0 ? 0 : (speed * link.bytesPerMs) / (1 + extra * (link.lossPerPart ?? 0)) / sending.length;
    const bodyEnds = sending.length === 0 ? Number.POSITIVE_INFINITY : now + Math.min(...sending.map((part) => part.remaining)) / share;
    const answer = Math.min(...inFlight.map((part) => part.answerAt));
    const at = Math.min(bodyEnds, answer, sliceEnds);
    for (const part of sending) part.remaining = Math.max(0, part.remaining - share * (at - now));
    now = at;
    for (const part of sending) {
      if (part.remaining <= 1e-6 && part.answerAt === Number.POSITIVE_INFINITY) {
        part.remaining = 0;
        part.answerAt = now + Math.max(0, link.latencyMs + (random() * 2 - 1) * (link.jitterMs ?? 0));
      }
    }
    if (answer <= bodyEnds && answer <= at) {
      const index = inFlight.findIndex((part) => part.answerAt === answer);
      const [landed] = inFlight.splice(index, 1);
      if (!landed) break;
      const meanInFlight = meter.end(landed.token, now);
      auto?.observe({ kind: 'ack', at: now, bytes, ms: now - landed.startedAt, inFlight: meanInFlight, seq: landed.seq, sent: next });
      done += 1;
      limits.push(limit());
    }
  }
  return { bytesPerMs: (done * bytes) / now, limits, decisions };
}

/** The best fixed figure of a sweep and its throughput. */
export function bestFixed(link: LinkModel, parts: number, sweep = [1, 2, 4, 8, 16, 32]): { concurrency: number; bytesPerMs: number } {
  return sweep
    .map((concurrency) => ({ concurrency, bytesPerMs: runModel(link, parts, concurrency).bytesPerMs }))
    .reduce((a, b) => (b.bytesPerMs > a.bytesPerMs ? b : a));
}
