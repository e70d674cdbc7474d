/**
 * What `concurrency: 'auto'` measures (see `auto-concurrency.ts`): rounds of parts, fixed when
 * they are sent, and every acknowledgement that landed meanwhile, whatever part it was for.
 */
import type { ConcurrencySample } from './concurrency-types.js';

/**
 * A round is a set of parts fixed when they are sent (places `from` to `from + size - 1`), measured
 * when the last of them lands: the first ones to land would be the fastest.
 */
export interface Round {
  readonly from: number;
  readonly size: number;
  readonly acks: number;
  readonly bytes: number;
  /** Σ each part's share of the time (its ms ÷ the parts in flight beside it), over the round's parts. */
  readonly shareMs: number;
  readonly msSum: number;
  /** When the first of its parts started (ms). */
  readonly startedAt: number;
}

/** A round's figures, once its last part landed. */
export interface Measured {
  readonly limit: number;
  /** Parts it was measured over. */
  readonly acks: number;
  /** Bytes per second. */
  readonly throughput: number;
  /** Mean part time (ms). */
  readonly rttMs: number;
}

/** One acknowledgement: when it landed, and the bytes acknowledged up to then. */
export interface Landing {
  readonly at: number;
  readonly total: number;
}

/** Parts in a round (but the first): one part says little. */
export const MIN_ROUND = 8;
/**
 * A round is a whole figure of parts (8 at least): a service that serves some connections before
 * others (a loaded machine: 50 ms and 1 s parts side by side) makes a smaller set all fast or all slow.
 */
export const roundSize = (limit: number): number => Math.max(MIN_ROUND, limit);
/**
 * A round's shares are trusted up to this many times the bytes that landed, from any part, from its
 * first start to its last acknowledgement; beyond, the clock's figure is taken. The clock alone
 * misreads bursty links (a 200 ms link fell to 0.84× the best fixed figure), shares alone a service
 * that serves some connections first (0.80×). In test/core-auto-concurrency-link.test.ts every case
 * holds from 1.1 to 1.5; at 2, ten fail.
 */
const CLOCK_TRUST = 1.3;
/** Acknowledgements kept: a round's time spans a few figures' worth of them, far fewer. */
const LANDINGS_KEPT = 512;

/**
 * The next round after `sent` parts: after a change, one figure's worth later, since the first
 * parts sent under a new figure find fewer ahead of them (or more, still draining) than later ones.
 */
export const newRound = (sent: number, skip: number, size: number): Round => ({
  from: sent + skip,
  size,
  acks: 0,
  bytes: 0,
  shareMs: 0,
  msSum: 0,
  startedAt: Number.POSITIVE_INFINITY,
});

/** The round with one more of its parts acknowledged; `limit` stands in for a sample without `inFlight`. */
export function addToRound(round: Round, sample: ConcurrencySample & { kind: 'ack' }, limit: number): Round {
  return {
    ...round,
    acks: round.acks + 1,
    bytes: round.bytes + sample.bytes,
    shareMs: round.shareMs + sample.ms / (sample.inFlight ?? limit),
    msSum: round.msSum + sample.ms,
    startedAt: Math.min(round.startedAt, sample.at - sample.ms),
  };
}

/** The history after one more acknowledgement of `bytes` at `at`, the oldest dropped past {@link LANDINGS_KEPT}. */
export function addLanding(landed: readonly Landing[], at: number, bytes: number): readonly Landing[] {
  const total = (landed.at(-1)?.total ?? 0) + bytes;
  return [...(landed.length < LANDINGS_KEPT ? landed : landed.slice(1 - LANDINGS_KEPT)), { at, total }];
}

/**
 * Bytes per second acknowledged from `since` on, up to the last landing, or `undefined` when the
 * history does not reach back before `since` (the first round, or older landings dropped) or no
 * time has passed. Acknowledgements landing at `since` itself count: a round's first part starts
 * as one lands, and a burst of answers cut at both ends would come out short twice.
 */
export function throughputSince(landed: readonly Landing[], since: number): number | undefined {
  const last = landed.at(-1);
  if (!last || last.at <= since) return undefined;
  for (let index = landed.length - 1; index >= 0; index -= 1) {
    const landing = landed[index] as Landing;
    if (landing.at < since) return ((last.total - landing.total) / (last.at - since)) * 1000;
  }
  return undefined;
}

/** A round whose last part just landed, as the last of `landed`, measured at figure `limit`. */
export function measureRound(round: Round, landed: readonly Landing[], limit: number): Measured {
  // Bytes over the time the round's parts kept the link busy, each charged its share: unlike
  // acknowledgements counted against the clock, it does not depend on where a round's edges fall
  // among bursts of them (n parts in flight for ms each land at n per ms, Little's law).
  const shared = (round.bytes / Math.max(1e-3, round.shareMs)) * 1000;
  // But a service that serves some connections first charges the parts left waiting for the time
  // the served ones used: a round of served parts then claims a link it did not have (loopback:
  // 396 MiB/s claimed, 113 landing). Far above what landed meanwhile, the clock's figure wins.
  const clocked = throughputSince(landed, round.startedAt) ?? shared;
  return {
    limit,
    acks: round.acks,
    throughput: shared > clocked * CLOCK_TRUST ? clocked : shared,
    rttMs: round.msSum / round.acks,
  };
}
