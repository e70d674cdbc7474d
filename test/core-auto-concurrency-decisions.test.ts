/**
 * `concurrency: 'auto'`, one round at a time: states built by hand around one level and one
 * reference round, then one round of acknowledgements whose throughput and part time are chosen.
 * Pins each branch of the round logic (start, probe, steady, congestion), the phase it leaves, the
 * parts a round counts, the boundaries of its thresholds, and which errors signal congestion.
 */
import { describe, expect, it } from 'vitest';
import { type ConcurrencyState, congestionOf, initialConcurrency, stepConcurrency } from '../src/core/auto-concurrency.js';
import type { ConcurrencyBounds, ConcurrencyDecision } from '../src/core/concurrency-types.js';
import { type Measured, measureRound, newRound, roundSize } from '../src/core/rounds.js';
import { ClientErrorCode, ErrorCode, VodError } from '../src/protocol/index.js';

const MiB = 1048576;
const BOUNDS: ConcurrencyBounds = { initial: 8, max: 64 };

/** A state at `limit` in `phase`, its round the next `roundSize(limit)` parts from 0. */
function stateAt(limit: number, phase: ConcurrencyState['phase'], extra: Partial<ConcurrencyState> = {}): ConcurrencyState {
  const size = roundSize(limit);
  return {
    ...initialConcurrency({ initial: limit, max: 1024 }, 0),
    phase,
    round: newRound(0, 0, size),
    after: newRound(size, 0, size),
    ...extra,
  };
}

interface RoundSpec {
  /** Mean part time (ms). */
  rttMs: number;
  /** Bytes per part. */
  bytes?: number;
  /** Parts in flight beside each (default: the state's figure). */
  inFlight?: number;
}

/**
 * Acknowledges every part of the state's round, all landing at one instant (so the clock's figure
 * never overrides the shares), and returns the state after and the decision, if any.
 */
function playRound(state: ConcurrencyState, spec: RoundSpec, bounds = BOUNDS) {
  let current = state;
  let decision: ConcurrencyDecision | undefined;
  const { from, size } = state.round;
  for (let seq = from; seq < from + size; seq += 1) {
    const sample = {
      kind: 'ack',
      at: 100_000,
      ms: spec.rttMs,
      bytes: spec.bytes ?? MiB,
      inFlight: spec.inFlight ?? state.limit,
      seq,
    } as const;
    const result = stepConcurrency(current, sample, bounds);
    current = result.state;
    decision = result.decision ?? decision;
  }
  return { state: current, decision };
}

/** What {@link playRound} measures for a round of `spec` at `limit` (a probe without a reference keeps the round as it is). */
function measure(limit: number, spec: RoundSpec): Measured {
  const reference = playRound(stateAt(limit, 'probe'), spec).state.reference;
  if (!reference) throw new Error('no round measured');
  return reference;
}

/** A reference throughput that `factor` times gives exactly `throughput`. */
function exactlyAt(throughput: number, factor: number): number {
  const guess = throughput / factor;
  for (let k = -8; k <= 8; k += 1) {
    const candidate = guess + k * guess * Number.EPSILON;
    if (candidate * factor === throughput) return candidate;
  }
  throw new Error(`no reference gives ${throughput} at ×${factor}`);
}

describe('the test rig', () => {
  it('measures a round at its parts’ shares: bytes × parts in flight ÷ part time', () => {
    const measured = measure(8, { rttMs: 100 });
    expect(measured.throughput).toBeCloseTo((8 * MiB * 1000) / 100, 3);
    // The same figure as rounds.ts gives for such a round.
    const round = { ...newRound(0, 0, 8), acks: 8, bytes: 8 * MiB, shareMs: 100, msSum: 800, startedAt: 0 };
    expect(measureRound(round, [], 8).throughput).toBeCloseTo(measured.throughput, 3);
  });
});

describe('start phase', () => {
  it('growth capped at the level it has (twice the busy parts) settles there: steady, no decision', () => {
    // Parts in flight 4 for 100 ms, least part time 100 ms: 4 parts keep the link busy, twice that is 8.
    const previous = { limit: 4, acks: 4, throughput: 1, rttMs: 100 };
    const state = stateAt(8, 'start', { reference: previous, minRttMs: 100 });
    const { state: next, decision } = playRound(state, { rttMs: 100, inFlight: 4 });
    expect(decision).toBeUndefined();
    expect(next).toMatchObject({ limit: 8, phase: 'steady' });
  });

  it('a doubling that reaches the bound exactly goes on in start; one past it is clamped and steady', () => {
    const previous = { limit: 8, acks: 8, throughput: 1, rttMs: 100 };
    const to32 = playRound(stateAt(16, 'start', { reference: previous, minRttMs: 100 }), { rttMs: 100 }, { initial: 8, max: 32 });
    expect(to32.decision).toMatchObject({ from: 16, to: 32, reason: 'throughput-rose' });
    expect(to32.state.phase).toBe('start');
    const to24 = playRound(stateAt(16, 'start', { reference: previous, minRttMs: 100 }), { rttMs: 100 }, { initial: 8, max: 24 });
    expect(to24.decision).toMatchObject({ from: 16, to: 24, reason: 'throughput-rose' });
    expect(to24.state.phase).toBe('steady');
  });

  it('a rise of exactly 10 % counts as a rise', () => {
    const throughput = measure(16, { rttMs: 100 }).throughput;
    const previous = { limit: 8, acks: 8, throughput: exactlyAt(throughput, 1.1), rttMs: 100 };
    const { decision } = playRound(stateAt(16, 'start', { reference: previous, minRttMs: 100 }), { rttMs: 100 });
    expect(decision).toMatchObject({ from: 16, to: 32, reason: 'throughput-rose' });
  });

  it('after a full round, a loss of 5 % sends the figure back (throughput-flat); it keeps the level reached, steady, otherwise', () => {
    const throughput = measure(16, { rttMs: 100 }).throughput;
    const full = { limit: 8, acks: 8, throughput: throughput / 0.95, rttMs: 100 };
    const back = playRound(stateAt(16, 'start', { reference: full, minRttMs: 100 }), { rttMs: 100 });
    expect(back.decision).toMatchObject({ from: 16, to: 8, reason: 'throughput-flat' });
    expect(back.state).toMatchObject({ limit: 8, phase: 'steady', reference: full });
    // Against the first round (a few parts that also opened connections) 5 % is within the margin.
    const first = { limit: 4, acks: 4, throughput: throughput / 0.95, rttMs: 100 };
    const kept = playRound(stateAt(8, 'start', { reference: first, minRttMs: 100 }), { rttMs: 100, inFlight: 16 });
    expect(kept.decision).toBeUndefined();
    expect(kept.state).toMatchObject({ limit: 8, phase: 'steady' });
    expect(kept.state.reference?.limit).toBe(8);
  });

  it('a loss of exactly 3 % after a full round keeps the level', () => {
    const throughput = measure(16, { rttMs: 100 }).throughput;
    const previous = { limit: 8, acks: 8, throughput: exactlyAt(throughput, 0.97), rttMs: 100 };
    const { state, decision } = playRound(stateAt(16, 'start', { reference: previous, minRttMs: 100 }), { rttMs: 100 });
    expect(decision).toBeUndefined();
    expect(state).toMatchObject({ limit: 16, phase: 'steady' });
  });
});

describe('probe phase', () => {
  it('a probe that rose by less than 5 % goes back to the level probed from, steady; one that rose keeps its figure, steady', () => {
    const throughput = measure(10, { rttMs: 100 }).throughput;
    const from8 = { limit: 8, acks: 8, throughput: throughput / 1.04, rttMs: 100 };
    const failed = playRound(stateAt(10, 'probe', { reference: from8 }), { rttMs: 100 });
    expect(failed.decision).toMatchObject({ from: 10, to: 8, reason: 'probe-failed' });
    expect(failed.state).toMatchObject({ limit: 8, phase: 'steady' });
    const risen = playRound(stateAt(10, 'probe', { reference: { ...from8, throughput: exactlyAt(throughput, 1.05) } }), { rttMs: 100 });
    expect(risen.decision).toBeUndefined();
    expect(risen.state).toMatchObject({ limit: 10, phase: 'steady', steadyRounds: 0 });
  });
});

describe('steady phase', () => {
  const level = (throughput: number, rttMs = 100): Measured => ({ limit: 8, acks: 8, throughput, rttMs });

  it('without a reference (after a congestion) a round becomes the level: steady, no decision', () => {
    const { state, decision } = playRound(stateAt(8, 'steady'), { rttMs: 100 });
    expect(decision).toBeUndefined();
    expect(state).toMatchObject({ limit: 8, phase: 'steady', steadyRounds: 0 });
    expect(state.reference?.rttMs).toBe(100);
  });

  it('one round whose parts took twice as long without more throughput is counted, not acted on', () => {
    const throughput = measure(8, { rttMs: 200 }).throughput;
    const { state, decision } = playRound(stateAt(8, 'steady', { reference: level(throughput) }), { rttMs: 200 });
    expect(decision).toBeUndefined();
    expect(state).toMatchObject({ limit: 8, phase: 'steady', slowRounds: 1 });
  });

  it('two such rounds in a row step the figure down a quarter (rtt-grew), steady', () => {
    const throughput = measure(8, { rttMs: 200 }).throughput;
    const { state, decision } = playRound(stateAt(8, 'steady', { reference: level(throughput), slowRounds: 1 }), { rttMs: 200 });
    expect(decision).toMatchObject({ from: 8, to: 6, reason: 'rtt-grew' });
    expect(state).toMatchObject({ limit: 6, phase: 'steady', slowRounds: 0 });
  });

  it('a normal round after a slow one clears the count', () => {
    const throughput = measure(8, { rttMs: 100 }).throughput;
    const { state, decision } = playRound(stateAt(8, 'steady', { reference: level(throughput), slowRounds: 1 }), { rttMs: 100 });
    expect(decision).toBeUndefined();
    expect(state).toMatchObject({ limit: 8, slowRounds: 0, steadyRounds: 1 });
  });

  it('parts taking exactly half as long again are not slow', () => {
    const throughput = measure(8, { rttMs: 150 }).throughput;
    const { state } = playRound(stateAt(8, 'steady', { reference: level(throughput, 100), slowRounds: 1 }), { rttMs: 150 });
    expect(state).toMatchObject({ limit: 8, slowRounds: 0 });
  });

  it('parts taking longer with 10 % more throughput (exactly, or 20 %) are not slow', () => {
    for (const rise of [1.1, 1.2]) {
      const throughput = measure(8, { rttMs: 200 }).throughput;
      const reference = level(rise === 1.1 ? exactlyAt(throughput, 1.1) : throughput / rise);
      const { state, decision } = playRound(stateAt(8, 'steady', { reference, slowRounds: 1 }), { rttMs: 200 });
      expect(decision).toBeUndefined();
      expect(state).toMatchObject({ limit: 8, slowRounds: 0 });
    }
  });

  it('the fourth steady round at a level probes a quarter more; at the bound it does not', () => {
    const throughput = measure(8, { rttMs: 100 }).throughput;
    const third = playRound(stateAt(8, 'steady', { reference: level(throughput), steadyRounds: 2 }), { rttMs: 100 });
    expect(third.decision).toBeUndefined();
    expect(third.state).toMatchObject({ phase: 'steady', steadyRounds: 3 });
    const fourth = playRound(third.state, { rttMs: 100 });
    expect(fourth.decision).toMatchObject({ from: 8, to: 10, reason: 'probe' });
    expect(fourth.state.phase).toBe('probe');
    const atBound = playRound(
      stateAt(8, 'steady', { reference: level(throughput), steadyRounds: 3 }),
      { rttMs: 100 },
      { initial: 8, max: 8 },
    );
    expect(atBound.decision).toBeUndefined();
    expect(atBound.state).toMatchObject({ limit: 8, phase: 'steady', steadyRounds: 4 });
  });
});

describe('which parts a round counts', () => {
  it('a part of the round after is counted there; one past it in neither', () => {
    const state = stateAt(8, 'steady');
    const sample = { kind: 'ack', at: 1, ms: 100, bytes: MiB } as const;
    const inAfter = stepConcurrency(state, { ...sample, seq: state.after.from }, BOUNDS).state;
    expect(inAfter.after.acks).toBe(1);
    const past = stepConcurrency(state, { ...sample, seq: state.after.from + state.after.size }, BOUNDS).state;
    expect(past.after.acks).toBe(0);
    expect(past.round.acks).toBe(0);
    expect(past.acked).toBe(1);
  });
});

describe('congestion', () => {
  it('halves, steady, with a fresh round one figure after the parts sent and the round after it next', () => {
    const state = stateAt(16, 'start', { sent: 40 });
    const { state: next, decision } = stepConcurrency(state, { kind: 'congestion', at: 1, reason: 'timeout' }, BOUNDS);
    expect(decision).toMatchObject({ from: 16, to: 8, reason: 'timeout' });
    expect(next).toMatchObject({ limit: 8, phase: 'steady', deafAcks: 16 });
    expect(next.round).toMatchObject({ from: 48, size: 8, acks: 0 });
    expect(next.after).toMatchObject({ from: 56, size: 8, acks: 0 });
  });

  it('signals stay ignored until every part in flight at the first has landed', () => {
    let state = stateAt(4, 'steady');
    const congestion = { kind: 'congestion', at: 1, reason: 'reset' } as const;
    state = stepConcurrency(state, congestion, BOUNDS).state; // 4 → 2, deaf for 4 acknowledgements
    for (let i = 0; i < 3; i += 1) {
      state = stepConcurrency(state, { kind: 'ack', at: 2 + i, ms: 10, bytes: MiB, seq: i }, BOUNDS).state;
      expect(stepConcurrency(state, congestion, BOUNDS).decision).toBeUndefined();
    }
    state = stepConcurrency(state, { kind: 'ack', at: 5, ms: 10, bytes: MiB, seq: 3 }, BOUNDS).state;
    expect(stepConcurrency(state, congestion, BOUNDS).decision).toMatchObject({ from: 2, to: 1, reason: 'reset' });
  });
});

describe('congestionOf', () => {
  const vodError = (code: VodError['code']) => new VodError({ code, message: 'failed', canRetry: true });

  it('reads a 4400 as rate-limited, a timeout as timeout, a network error as reset', () => {
    expect(congestionOf(vodError(ErrorCode.RateLimited))).toBe('rate-limited');
    expect(congestionOf(vodError(ClientErrorCode.Timeout))).toBe('timeout');
    expect(congestionOf(vodError(ClientErrorCode.Network))).toBe('reset');
  });

  it('other errors are no congestion, even one that only looks like a 4400', () => {
    expect(congestionOf(vodError(ErrorCode.BodyInvalid))).toBeUndefined();
    expect(congestionOf(vodError(ClientErrorCode.Aborted))).toBeUndefined();
    expect(congestionOf(vodError(ErrorCode.Internal))).toBeUndefined();
    expect(congestionOf(Object.assign(new Error('rate limited'), { code: ErrorCode.RateLimited }))).toBeUndefined();
    expect(congestionOf({ code: ClientErrorCode.Timeout })).toBeUndefined();
    expect(congestionOf(undefined)).toBeUndefined();
  });
});
