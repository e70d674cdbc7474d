/**
 * The `concurrency: 'auto'` controller's decisions, as a pure function of samples: links are
 * simulated (each part takes latency + its share of the bandwidth), so the sequence of decisions
 * is exact and no clock or network is involved.
 */
import { describe, expect, it } from 'vitest';
import { createAutoConcurrency, initialConcurrency, stepConcurrency } from '../src/core/auto-concurrency.js';
import type { ConcurrencyDecision } from '../src/core/concurrency-types.js';

const MiB = 1048576;

interface SimLink {
  /** ms before each answer. */
  latencyMs: number;
  /** Bytes per ms shared by the parts in flight; Infinity for none. */
  bytesPerMs?: number;
  /** Extra ms per part for every part in flight beyond this many (a CPU or a service that queues). */
  queueAfter?: number;
}

/** Time of one part when `inFlight` parts share the link. */
function partMs(link: SimLink, inFlight: number, bytes: number): number {
  const transfer = link.bytesPerMs === undefined ? 0 : (inFlight * bytes) / link.bytesPerMs;
  const queued = link.queueAfter === undefined ? 0 : Math.max(0, inFlight - link.queueAfter) * 10;
  return link.latencyMs + transfer + queued;
}

/** Feeds `parts` acknowledgements as they would arrive at the controller's current figure. */
function simulate(link: SimLink, parts: number, bounds = { initial: 4, max: 32 }, bytes = MiB) {
  const decisions: ConcurrencyDecision[] = [];
  const auto = createAutoConcurrency(bounds, 0, (decision) => decisions.push(decision));
  let at = 0;
  const limits: number[] = [];
  for (let i = 0; i < parts; i++) {
    const inFlight = auto.limit;
    const ms = partMs(link, inFlight, bytes);
    at += ms / inFlight; // in steady state one of `inFlight` parts lands every ms / inFlight
    auto.observe({ kind: 'ack', at, bytes, ms });
    limits.push(auto.limit);
  }
  return { auto, decisions, limits, at };
}

const moves = (decisions: readonly ConcurrencyDecision[]) => decisions.map((d) => `${d.from}→${d.to} ${d.reason}`);

describe('auto concurrency: growing', () => {
  it('on a 50 ms link with bandwidth to spare it doubles each round up to the bound', () => {
    const { decisions, limits } = simulate({ latencyMs: 50 }, 200);
    expect(moves(decisions)).toEqual(['4→8 first-round', '8→16 throughput-rose', '16→32 throughput-rose']);
    expect(limits.at(-1)).toBe(32);
  });

  it('on 200 ms at 20 MiB/s (throughput c / (0.2 + 0.05 c) MiB/s) growth stops at twice the parts that keep the link busy, then probes go on', () => {
    const { decisions, limits } = simulate({ latencyMs: 200, bytesPerMs: (20 * MiB) / 1000 }, 300);
    // At 8: 13.3 MiB/s; the least part time (at 4) 400 ms: 5.3 parts keep the link busy, so 11, not 16.
    expect(moves(decisions).slice(0, 2)).toEqual(['4→8 first-round', '8→11 throughput-rose']);
    // Each probe a quarter up still adds ≥ 5 % on this link: the figure creeps up, never doubling.
    expect(decisions.slice(2).every((d) => d.reason === 'probe' && d.to <= Math.ceil(d.from * 1.25))).toBe(true);
    expect(limits.at(-1)).toBeGreaterThan(11);
  });

  it('does not grow while the parts in flight stay at half the figure or less (the source cannot keep up): twice them is the figure already', () => {
    const decisions: ConcurrencyDecision[] = [];
    const auto = createAutoConcurrency({ initial: 8, max: 32 }, 0, (decision) => decisions.push(decision));
    // 8 allowed, 4 in flight: each part's share of the time is 100 ms ÷ 4.
    for (let i = 0; i < 8; i++) auto.observe({ kind: 'ack', at: 25 * (i + 1), bytes: MiB, ms: 100, inFlight: 4 });
    expect(decisions).toEqual([]);
    expect(auto.limit).toBe(8);
    // With 8 in flight the same first round doubles it.
    const full = createAutoConcurrency({ initial: 8, max: 32 }, 0);
    for (let i = 0; i < 8; i++) full.observe({ kind: 'ack', at: 12.5 * (i + 1), bytes: MiB, ms: 100, inFlight: 8 });
    expect(full.limit).toBe(16);
  });

  it('never passes the bound (the queue share or the memory cap)', () => {
    const { limits, decisions } = simulate({ latencyMs: 50 }, 200, { initial: 4, max: 6 });
    expect(Math.max(...limits)).toBe(6);
    expect(moves(decisions)[0]).toBe('4→6 first-round');
  });
});

describe('auto concurrency: settling and probing', () => {
  it('when a doubling buys no throughput (bandwidth-bound loopback) it stops there, then probes a quarter more and drops it again', () => {
    // One level too high costs less than one too low, and a round cannot tell a few per cent apart: a flat doubling is kept.
    const { decisions, limits } = simulate({ latencyMs: 1, bytesPerMs: (30 * MiB) / 1000 }, 200);
    expect(moves(decisions).slice(0, 3)).toEqual(['4→8 first-round', '8→10 probe', '10→8 probe-failed']);
    expect(Math.max(...limits)).toBe(10);
  });

  it('when a doubling clearly costs throughput (parts in flight slow the service down) it goes back to the level before', () => {
    // 8 parts in flight: 10 ms more each for the 4 beyond 4, 13 % less throughput.
    const { decisions, limits } = simulate({ latencyMs: 1, bytesPerMs: (30 * MiB) / 1000, queueAfter: 4 }, 200);
    expect(moves(decisions).slice(0, 2)).toEqual(['4→8 first-round', '8→4 throughput-flat']);
    expect(Math.max(...limits.slice(-100))).toBeLessThanOrEqual(5);
  });

  it('steps back a quarter when parts take half as long again while throughput stays flat', () => {
    const bounds = { initial: 16, max: 16 };
    let state = initialConcurrency(bounds, 0);
    let at = 0;
    const decisions: ConcurrencyDecision[] = [];
    const feed = (ms: number, count: number) => {
      for (let i = 0; i < count; i++) {
        at += ms / state.limit;
        const result = stepConcurrency(state, { kind: 'ack', at, bytes: MiB, ms }, bounds);
        state = result.state;
        if (result.decision) decisions.push(result.decision);
      }
    };
    feed(100, 48); // settled at 16 (the bound), 100 ms per part
    expect(state.phase).toBe('steady');
    // Another flow now shares the link: the same throughput arrives with parts taking twice as long.
    feed(200, 32);
    expect(moves(decisions)).toContain('16→12 rtt-grew');
  });
});

describe('auto concurrency: congestion', () => {
  it('halves at once on a 4400, a timeout or a reset, ignores the rest of the burst, and counts a later signal', () => {
    const bounds = { initial: 16, max: 32 };
    const decisions: ConcurrencyDecision[] = [];
    const auto = createAutoConcurrency(bounds, 0, (decision) => decisions.push(decision));
    auto.observe({ kind: 'congestion', at: 1, reason: 'rate-limited' });
    auto.observe({ kind: 'congestion', at: 2, reason: 'rate-limited' });
    auto.observe({ kind: 'congestion', at: 3, reason: 'timeout' });
    expect(moves(decisions)).toEqual(['16→8 rate-limited']);
    // The 16 parts that were in flight land; then a reset counts again.
    for (let i = 0; i < 16; i++) auto.observe({ kind: 'ack', at: 10 + i, bytes: MiB, ms: 50 });
    auto.observe({ kind: 'congestion', at: 40, reason: 'reset' });
    expect(moves(decisions)).toEqual(['16→8 rate-limited', '8→4 reset']);
  });

  it('never goes below one part', () => {
    const bounds = { initial: 2, max: 32 };
    let state = initialConcurrency(bounds, 0);
    for (let i = 0; i < 5; i++) {
      state = stepConcurrency(state, { kind: 'congestion', at: i, reason: 'timeout' }, bounds).state;
      state = { ...state, deafAcks: 0 };
    }
    expect(state.limit).toBe(1);
  });

  it('starts within its bounds', () => {
    expect(initialConcurrency({ initial: 4, max: 2 }, 0).limit).toBe(2);
    expect(initialConcurrency({ initial: 0, max: 8 }, 0).limit).toBe(1);
  });
});
