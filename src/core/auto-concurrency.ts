/**
 * `concurrency: 'auto'`: how many parts to keep in flight, decided from what the parts measure.
 * On a link 50 ms away a fixed 4 parts in flight cap an upload at about 4 parts per round trip;
 * on a slow uplink 32 only queue behind each other. So the figure follows the link:
 *
 * - **Measure**: a round's throughput is its parts' bytes over the time they kept the link busy,
 *   each part charged its share (its time ÷ the parts in flight beside it, {@link createFlightMeter};
 *   Little's law). Acknowledgements on a latency link land in bursts, and counted against the clock
 *   they measured where a round's edges fell among the bursts more than the figure: 4 → 8 → 4.
 *   But a service that serves some connections first and leaves others waiting makes shares
 *   flatter the served parts, so a round is also held to what landed meanwhile, by the clock
 *   (`rounds.ts`). A round is a set of parts fixed when they are sent, measured when the last
 *   lands (the first to land are the fastest), and after a change it starts one figure's worth of
 *   parts later.
 * - **Start**: the first round is the first parts (5, `AUTO_INITIAL_CONCURRENCY`); then the figure
 *   doubles. After each round of a figure of parts (8 at least) it doubles again while throughput
 *   rose by 10 %, but never past twice the parts that keep the link busy (throughput × the least
 *   mean part time of a round so far: beyond, parts only queue). When throughput did not rise, growth ends: the
 *   figure stays unless the round lost 3 % (10 % against the first round, a few parts that also
 *   opened connections), then it goes back. One level too high costs a few per cent; one too
 *   low, a third on a 50 ms link.
 * - **Steady**: rounds of a figure of parts. Every few rounds it probes a quarter more
 *   and keeps it only if throughput rose by 5 % over the level's average. Two rounds in a row whose
 *   mean part time grew by half without more throughput mean parts only queue (in the network, the
 *   service or the pacer): a quarter less.
 * - **Congestion** (a 4400 rate-limit answer, a timeout, a connection reset): half, at once, and
 *   further signals are ignored until the parts in flight at that moment have had time to land.
 *
 * The decisions are a pure function of the samples ({@link stepConcurrency}), so they are tested
 * without a network or a clock; {@link createAutoConcurrency} only feeds it.
 */

import { ClientErrorCode, ErrorCode, VodError } from '../protocol/errors.js';
import type {
  ConcurrencyBounds,
  ConcurrencyDecision,
  ConcurrencyReason,
  ConcurrencySample,
  CongestionReason,
} from './concurrency-types.js';
import { addLanding, addToRound, type Landing, MIN_ROUND, type Measured, measureRound, newRound, type Round, roundSize } from './rounds.js';

// The part sender loads this module only for 'auto': the meter it feeds comes with it.
export { createFlightMeter, type FlightMeter, type FlightTicket } from './flight-meter.js';

/** The controller's whole state: replaced, never changed, by {@link stepConcurrency}. */
export interface ConcurrencyState {
  readonly limit: number;
  readonly phase: 'start' | 'steady' | 'probe';
  readonly round: Round;
  /** The round after it, filling already: parts of it may land before the last of this one. */
  readonly after: Round;
  /** Start: the previous round. Steady: the level settled on (its throughput averaged over rounds). Probe: the level probed from. */
  readonly reference: Measured | undefined;
  readonly steadyRounds: number;
  /** The least mean part time of any round so far (ms): the link's round trip with nothing queued. */
  readonly minRttMs: number;
  /** Steady rounds in a row whose parts took half as long again without more throughput. */
  readonly slowRounds: number;
  /** Acknowledgements still to come before another congestion signal counts. */
  readonly deafAcks: number;
  /** Acknowledgements so far, and the most parts known sent. */
  readonly acked: number;
  readonly sent: number;
  /** The last acknowledgements, of any part: when, and the bytes acknowledged up to then. */
  readonly landed: readonly Landing[];
}

/** Growth that counts as "rose" at the start (per doubling) and when probing (per quarter). */
const START_RISE = 1.1;
const PROBE_RISE = 1.05;
/**
 * A doubling that rose less than {@link START_RISE} is kept unless throughput fell below this share
 * of the level before's (below the second against the first round).
 */
const KEEP_RISE = 0.97;
const FIRST_KEEP_RISE = 0.9;
/** Growth stops at this many times the parts that keep the link busy (throughput × least round mean part time). */
const BUSY_GAIN = 2;
/** Part time that counts as "grew". */
const RTT_GROWTH = 1.5;
/** Slow steady rounds in a row that step the figure down. */
const SLOW_ROUNDS = 2;
/** Rounds at one level between probes. */
const PROBE_EVERY = 4;
const clamp = (value: number, bounds: ConcurrencyBounds): number => Math.max(1, Math.min(bounds.max, Math.floor(value)));

/** The state before any sample. */
export function initialConcurrency(bounds: ConcurrencyBounds, _at: number): ConcurrencyState {
  const limit = clamp(bounds.initial, bounds);
  // The first round is the first parts sent, however few: they also paid for opening connections,
  // and the figure doubles after them anyway.
  return {
    limit,
    phase: 'start',
    round: newRound(0, 0, limit),
    after: newRound(limit, 0, roundSize(limit)),
    reference: undefined,
    steadyRounds: 0,
    minRttMs: Number.POSITIVE_INFINITY,
    slowRounds: 0,
    deafAcks: 0,
    acked: 0,
    sent: 0,
    landed: [],
  };
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
      ...state,
      limit: to,
      phase: 'steady',
      round: newRound(state.sent, to, roundSize(to)),
      after: newRound(state.sent + to + roundSize(to), 0, roundSize(to)),
      reference: undefined,
      steadyRounds: 0,
      slowRounds: 0,
      deafAcks: state.limit,
    };
    return { state: next, decision: { from: state.limit, to, reason: sample.reason, throughput: 0, rttMs: 0 } };
  }
  const seq = sample.seq ?? state.acked;
  const landed = addLanding(state.landed, sample.at, sample.bytes);
  const counters = {
    deafAcks: Math.max(0, state.deafAcks - 1),
    acked: state.acked + 1,
    sent: Math.max(state.sent, sample.sent ?? seq + state.limit),
    landed,
  };
  const add = (to: Round): Round => addToRound(to, sample, state.limit);
  const within = (of: Round) => seq >= of.from && seq < of.from + of.size;
  if (within(state.after)) return { state: { ...state, ...counters, after: add(state.after) } };
  if (!within(state.round)) return { state: { ...state, ...counters } };
  const round = add(state.round);
  if (round.acks < round.size) return { state: { ...state, ...counters, round } };

  const measured = measureRound(round, landed, state.limit);
  const minRttMs = Math.min(state.minRttMs, measured.rttMs);
  const change = (
    to: number,
    reason: ConcurrencyReason,
    phase: ConcurrencyState['phase'],
    reference: Measured | undefined,
    steadyRounds = 0,
    slowRounds = 0,
  ) => {
    const limit = clamp(to, bounds);
    const next: ConcurrencyState = {
      ...counters,
      limit,
      phase,
      // The same figure: the round already filling goes on. A new one: one figure's worth later.
      round: limit === state.limit ? state.after : newRound(counters.sent, limit, roundSize(limit)),
      // Only parts not sent yet: a part already sent may have landed, uncounted.
      after:
        limit === state.limit
          ? newRound(Math.max(state.after.from + state.after.size, counters.sent), 0, roundSize(limit))
          : newRound(counters.sent, limit + roundSize(limit), roundSize(limit)),
      reference,
      steadyRounds,
      minRttMs,
      slowRounds,
    };
    if (limit === state.limit) return { state: next };
    return { state: next, decision: { from: state.limit, to: limit, reason, throughput: measured.throughput, rttMs: measured.rttMs } };
  };
  const previous = state.reference;

  if (state.phase === 'start') {
    const grow = (reason: ConcurrencyReason) => {
      // Little's law: the parts that keep the link busy at this throughput are its parts per ms ×
      // the least mean part time of a round. Twice that leaves room for the throughput still to come, more
      // only queues: 50 ms away, 16 → 32 doubled the part time and lost 11 % (bench, link table).
      const busy = (measured.throughput / 1000) * (round.acks / Math.max(1, round.bytes)) * minRttMs;
      const to = Math.min(state.limit * 2, Math.ceil(BUSY_GAIN * busy));
      if (to <= state.limit) return change(state.limit, 'throughput-flat', 'steady', measured);
      return change(to, reason, to > bounds.max ? 'steady' : 'start', measured);
    };
    if (!previous) return grow('first-round');
    if (measured.throughput >= previous.throughput * START_RISE) return grow('throughput-rose');
    // Growth stopped: settle on the better of the two levels, the lower one unless the higher is clearly better.
    // The first round is a few parts that also opened connections: only a clear loss against it sends the figure back.
    const keep = previous.acks < MIN_ROUND ? FIRST_KEEP_RISE : KEEP_RISE;
    if (measured.throughput >= previous.throughput * keep) return change(state.limit, 'throughput-flat', 'steady', measured);
    return change(previous.limit, 'throughput-flat', 'steady', previous.limit === state.limit ? measured : previous);
  }
  if (state.phase === 'probe') {
    if (previous && measured.throughput < previous.throughput * PROBE_RISE)
      return change(previous.limit, 'probe-failed', 'steady', previous);
    return change(state.limit, 'throughput-rose', 'steady', measured);
  }
  // Steady.
  if (!previous) return change(state.limit, 'throughput-flat', 'steady', measured);
  const slow = measured.rttMs > previous.rttMs * RTT_GROWTH && measured.throughput < previous.throughput * START_RISE;
  // One slow round is often the machine doing something else: it takes two in a row.
  if (slow && state.slowRounds + 1 >= SLOW_ROUNDS)
    return change(Math.min(state.limit - 1, state.limit * 0.75), 'rtt-grew', 'steady', undefined);
  if (slow) return change(state.limit, 'throughput-flat', 'steady', previous, state.steadyRounds, state.slowRounds + 1);
  // The level's throughput, averaged over its rounds: one lucky round does not make every probe look like a loss.
  const settled = { ...previous, throughput: (previous.throughput + measured.throughput) / 2 };
  const rounds = state.steadyRounds + 1;
  if (rounds >= PROBE_EVERY && state.limit < bounds.max) {
    return change(Math.max(state.limit + 1, Math.ceil(state.limit * 1.25)), 'probe', 'probe', settled);
  }
  return change(state.limit, 'throughput-flat', 'steady', settled, rounds);
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
