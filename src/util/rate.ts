/**
 * A smoothed rate and the time left at it, for an upload's progress and a queue's totals alike.
 * The rate is exponentially decayed bytes over exponentially decayed time: exact on the first
 * sample, and right under irregular sampling (parts finish in bursts).
 */

/** Measures bytes per second; see {@link createRateMeter}. */
export interface RateMeter {
  /** `bytes` more were done; they count at the next sample. */
  add(bytes: number): void;
  /** Takes a sample now and returns the rate (bytes per second; 0 until measured). */
  sample(): number;
  /** Forgets what was measured: the next interval starts now. */
  reset(): void;
  /** The rate at the last sample. */
  readonly rate: number;
}

/** A rate meter whose interval starts now; `smoothingMs` is the decay's time constant. */
export function createRateMeter(now: () => number, smoothingMs: number): RateMeter {
  let decayedBytes = 0;
  let decayedTime = 0;
  let pending = 0;
  let last = now();
  let rate = 0;
  return {
    add(bytes) {
      pending += bytes;
    },
    sample() {
      const t = now();
      const dt = t - last;
      if (dt <= 0) return rate;
      const decay = Math.exp(-dt / smoothingMs);
      decayedBytes = decayedBytes * decay + pending;
      decayedTime = decayedTime * decay + dt;
      pending = 0;
      last = t;
      rate = decayedTime > 0 ? (decayedBytes / decayedTime) * 1000 : 0;
      return rate;
    },
    reset() {
      decayedBytes = decayedTime = pending = rate = 0;
      last = now();
    },
    get rate() {
      return rate;
    },
  };
}

/** Seconds until `left` bytes are done at `rate` bytes per second: 0 when nothing is left, undefined while the rate is unknown. */
export function secondsLeft(left: number, rate: number): number | undefined {
  if (left <= 0) return 0;
  return rate > 0 ? left / rate : undefined;
}
