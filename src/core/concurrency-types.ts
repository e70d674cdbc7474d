/** What `concurrency: 'auto'` (auto-concurrency.ts) learns from and decides: samples, decisions, bounds. */

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
      /** Parts in flight during the attempt, itself included (harmonic mean, {@link createFlightMeter}). Default: the figure. */
      readonly inFlight?: number;
      /** The part's place in sending order (0 for the first sent). Default: acknowledgements so far. */
      readonly seq?: number;
      /** Parts handed to the sender so far, started or waiting for a slot (a new round begins after them). Default: `seq` + the figure. */
      readonly sent?: number;
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
