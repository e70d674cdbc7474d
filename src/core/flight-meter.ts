/**
 * How many parts shared each part's time: with `concurrency: 'auto'`, the part sender starts and
 * ends every attempt here, and each acknowledgement carries the answer (see `auto-concurrency.ts`).
 */

/** What {@link FlightMeter.start} hands back, to give to {@link FlightMeter.end}. */
export interface FlightTicket {
  readonly at: number;
  readonly share: number;
}

/** Counts parts in flight over time, so each acknowledgement can say how many shared its time. */
export interface FlightMeter {
  /** A part's attempt starts at `at` (ms). */
  start(at: number): FlightTicket;
  /** It ends at `at`: how many parts were in flight meanwhile, itself included (the harmonic mean over its time). */
  end(ticket: FlightTicket, at: number): number;
}

/**
 * A {@link FlightMeter}. Each part is charged its share of the time: 1/n of every ms during which
 * n parts were in flight. Over any parts, their shares add up to the time they kept the link busy.
 */
export function createFlightMeter(): FlightMeter {
  let running = 0;
  let share = 0;
  let last = 0;
  const advance = (at: number): void => {
    if (running > 0 && at > last) share += (at - last) / running;
    last = Math.max(last, at);
  };
  return {
    start(at) {
      advance(at);
      running += 1;
      return { at, share };
    },
    end(ticket, at) {
      advance(at);
      const charged = share - ticket.share;
      const inFlight = charged > 0 && at > ticket.at ? (at - ticket.at) / charged : running;
      running -= 1;
      return Math.max(1, inFlight);
    },
  };
}
