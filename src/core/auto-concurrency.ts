/**
 * `concurrency: 'auto'`: how many parts to keep in flight, decided from what the parts measure.
 * On a link 50 ms away a fixed 4 parts in flight cap an upload at about 4 parts per round trip;
 * on a slow uplink 32 only queue behind each other. So the figure follows the link:
 *
 * - **Warm-up**: the first round only measures: its parts also paid for opening connections,
 *   reading the file's first bytes and warming the code, so it would make any later round look
 *   faster (on a CPU-bound link the figure then climbed for nothing).
 * - **Start**: one round is as many acknowledged parts as the figure was when it began (about
 *   one round trip). After each round the figure doubles while the round's throughput rose by
 *   at least 10 % over the previous one; when it did not, the figure goes back to the previous
 *   round's (the doubling bought nothing) and the controller settles.
 * - **Steady**: every few rounds it probes a quarter more and keeps it only if throughput rose
 *   by 5 %. A round whose mean part time grew by half while throughput did not rise means parts
 *   only queue (in the network, the service or the pacer): a quarter less.
 * - **Congestion** (a 4400 rate-limit answer, a timeout, a connection reset): half, at once, and
 *   further signals are ignored until the parts in flight at that moment have had time to land.
 *
 * The decisions are a pure function of the samples ({@link stepConcurrency}), so they are tested
 * without a network or a clock; {@link createAutoConcurrency} only feeds it.
 */

import { ClientErrorCode, ErrorCode, VodError } from '../protocol/errors.js';

/** Why parts were congested: the service's 4400, a request timeout, or a broken connection. */
export type CongestionReason = 'rate-limited' | 'timeout' | 'reset';

/** What the controller learns: a part acknowledged, or a congestion signal. */
export type ConcurrencySample =
  | {
      readonly kind: 'ack';
      /** When (ms). */
      readonly at: number;
      /** Part size. */
      readonly bytes: number;
      /** The attempt's time, read to answer (ms). */
      readonly ms: number;
    }
  | { readonly kind: 'congestion'; readonly at: number; readonly reason: CongestionReason };

/** Why the number of parts in flight changed. */
export type ConcurrencyReason =
  | 'first-round'
  | 'throughput-rose'
  | 'throughput-flat'
  | 'probe'
  | 'probe-failed'
  | 'rtt-grew'
  | CongestionReason;

/** One change of the number of parts in flight, with the round that caused it. */
export interface ConcurrencyDecision {
  /** The figure before. */
  readonly from: number;
  /** The figure from now on. */
  readonly to: number;
  /** Why. */
  readonly reason: ConcurrencyReason;
  /** Acknowledged bytes per second in the round that decided (0 for a congestion signal). */
  readonly throughput: number;
  /** Mean time of the round's parts in ms (0 for a congestion signal). */
  readonly rttMs: number;
}

/** Where the figure starts and the most it may reach (the queue's bound, the memory cap). */
export interface ConcurrencyBounds {
  readonly initial: number;
  readonly max: number;
}

interface Round {
  readonly startedAt: number;
  readonly size: number;
  readonly acks: number;
  readonly bytes: number;
  readonly msSum: number;
}

interface Measured {
  readonly limit: number;
  readonly throughput: number;
  readonly rttMs: number;
}

/** The controller's whole state: replaced, never changed, by {@link stepConcurrency}. */
export interface ConcurrencyState {
  readonly limit: number;
  readonly phase: 'warmup' | 'start' | 'steady' | 'probe';
  readonly round: Round;
  /** Start: the previous round. Steady: the level settled on. Probe: the level probed from. */
  readonly reference: Measured | undefined;
  readonly steadyRounds: number;
  /** Acknowledgements still to come before another congestion signal counts. */
  readonly deafAcks: number;
}

/** Growth that counts as "rose" at the start (per doubling) and when probing (per quarter). */
const START_RISE = 1.1;
const PROBE_RISE = 1.05;
/** Part time that counts as "grew". */
const RTT_GROWTH = 1.5;
/** Rounds at one level between probes. */
const PROBE_EVERY = 4;
/** Fewest acknowledgements in a round: one part says little. */
const MIN_ROUND = 3;

const newRound = (at: number, limit: number): Round => ({ startedAt: at, size: Math.max(MIN_ROUND, limit), acks: 0, bytes: 0, msSum: 0 });
const clamp = (value: number, bounds: ConcurrencyBounds): number => Math.max(1, Math.min(bounds.max, Math.floor(value)));

/** The state before any sample. */
export function initialConcurrency(bounds: ConcurrencyBounds, at: number): ConcurrencyState {
  const limit = clamp(bounds.initial, bounds);
  return { limit, phase: 'warmup', round: newRound(at, limit), reference: undefined, steadyRounds: 0, deafAcks: 0 };
}

/** The next state after one sample, and the decision when the figure changed. */
export function stepConcurrency(
  state: ConcurrencyState,
  sample: ConcurrencySample,
  bounds: ConcurrencyBounds,
): { state: ConcurrencyState; decision?: ConcurrencyDecision } {
  if (sample.kind === 'congestion') {
    if (state.deafAcks > 0) return { state };
    const to = clamp(state.limit / 2, bounds);
    const next: ConcurrencyState = {
      limit: to,
      phase: 'steady',
      round: newRound(sample.at, to),
      reference: undefined,
      steadyRounds: 0,
      deafAcks: state.limit,
    };
    return { state: next, decision: { from: state.limit, to, reason: sample.reason, throughput: 0, rttMs: 0 } };
  }
  const round = {
    ...state.round,
    acks: state.round.acks + 1,
    bytes: state.round.bytes + sample.bytes,
    msSum: state.round.msSum + sample.ms,
  };
  const deafAcks = Math.max(0, state.deafAcks - 1);
  if (round.acks < round.size) return { state: { ...state, round, deafAcks } };

  // The warm-up round is not compared with anything: the next one, at the same figure, is the first measure.
  if (state.phase === 'warmup') return { state: { ...state, phase: 'start', round: newRound(sample.at, state.limit), deafAcks } };
  const elapsed = Math.max(1, sample.at - round.startedAt);
  const measured: Measured = { limit: state.limit, throughput: (round.bytes / elapsed) * 1000, rttMs: round.msSum / round.acks };
  const change = (
    to: number,
    reason: ConcurrencyReason,
    phase: ConcurrencyState['phase'],
    reference: Measured | undefined,
    steadyRounds = 0,
  ) => {
    const limit = clamp(to, bounds);
    const next: ConcurrencyState = { limit, phase, round: newRound(sample.at, limit), reference, steadyRounds, deafAcks };
    if (limit === state.limit) return { state: next };
    return { state: next, decision: { from: state.limit, to: limit, reason, throughput: measured.throughput, rttMs: measured.rttMs } };
  };
  const previous = state.reference;

  if (state.phase === 'start') {
    if (!previous) return change(state.limit * 2, 'first-round', state.limit * 2 > bounds.max ? 'steady' : 'start', measured);
    if (measured.throughput >= previous.throughput * START_RISE) {
      return change(state.limit * 2, 'throughput-rose', state.limit * 2 > bounds.max ? 'steady' : 'start', measured);
    }
    // The last doubling bought nothing: back to the level before it.
    return change(previous.limit, 'throughput-flat', 'steady', previous.limit === state.limit ? measured : previous);
  }
  if (state.phase === 'probe') {
    if (previous && measured.throughput < previous.throughput * PROBE_RISE)
      return change(previous.limit, 'probe-failed', 'steady', previous);
    return change(state.limit, 'throughput-rose', 'steady', measured);
  }
  // Steady.
  if (!previous) return change(state.limit, 'throughput-flat', 'steady', measured);
  if (measured.rttMs > previous.rttMs * RTT_GROWTH && measured.throughput < previous.throughput * START_RISE) {
    return change(Math.min(state.limit - 1, state.limit * 0.75), 'rtt-grew', 'steady', undefined);
  }
  const rounds = state.steadyRounds + 1;
  if (rounds >= PROBE_EVERY && state.limit < bounds.max) {
    return change(Math.max(state.limit + 1, Math.ceil(state.limit * 1.25)), 'probe', 'probe', previous);
  }
  return change(state.limit, 'throughput-flat', 'steady', previous, rounds);
}

/** The congestion a failed part attempt signals, if any: 4400, a timeout (or stall), a broken connection. */
export function congestionOf(error: unknown): CongestionReason | undefined {
  if (!(error instanceof VodError)) return undefined;
  if (error.code === ErrorCode.RateLimited) return 'rate-limited';
  if (error.code === ClientErrorCode.Timeout) return 'timeout';
  if (error.code === ClientErrorCode.Network) return 'reset';
  return undefined;
}

/** A controller fed by the part sender: the figure now, and where samples go. */
export interface AutoConcurrency {
  /** Parts that may be in flight now. */
  readonly limit: number;
  /** One sample; `onDecision` hears of every change it causes. */
  observe(sample: ConcurrencySample): void;
}

/** A running controller from {@link initialConcurrency}, stepping on each sample. */
export function createAutoConcurrency(
  bounds: ConcurrencyBounds,
  at: number,
  onDecision: (decision: ConcurrencyDecision) => void = () => {},
): AutoConcurrency {
  let state = initialConcurrency(bounds, at);
  return {
    get limit() {
      return state.limit;
    },
    observe(sample) {
      const result = stepConcurrency(state, sample, bounds);
      state = result.state;
      if (result.decision) onDecision(result.decision);
    },
  };
}
