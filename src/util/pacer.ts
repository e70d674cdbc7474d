/**
 * Client-side rate pacing under the protocol's per-account limits (PROTOCOL.md, "Limits"):
 * InitUpload and FinishUpload 100 calls/minute, UploadPart 10 000 calls/minute.
 *
 * One pacer belongs to one client and is shared by every upload through it. It is a sliding-window
 * log: for each action a ring buffer holds the times of the last `limit` grants, so memory is
 * bounded by the limit and no window of `windowMs` ever sees more than `limit` grants. Waiters are
 * served FIFO per action; a waiter whose signal aborts leaves the queue at once.
 */
import { DEFAULT_RATE_LIMITS, VodArgumentError, type RateLimits, type VodAction } from '../protocol/index.js';
import { abortError, abortableSleep, type Sleep } from './retry.js';

export { DEFAULT_RATE_LIMITS, type RateLimits };

/** Options of {@link createRatePacer}. */
export interface RatePacerOptions {
  /**
   * Overrides per action. An integer ≥ 1, or `Infinity` for no pacing of that action (e.g. a
   * private emulator). Missing actions keep {@link DEFAULT_RATE_LIMITS}.
   */
  limits?: Partial<Record<VodAction, number>> | undefined;
  /** Window length. Default 60 000 ms. */
  windowMs?: number | undefined;
  /** Clock in ms. Default `Date.now`. */
  now?: (() => number) | undefined;
  /** Injected for tests. Default: a timer that an abort cuts short. */
  sleep?: Sleep | undefined;
}

/** Paces requests per action under the service's per-minute limits. */
export interface RatePacer {
  /**
   * Resolves when one call of `action` may be sent now; the grant is counted at that moment.
   * Rejects with an `ABORTED` VodError if `signal` aborts while waiting (the grant is not consumed).
   */
  acquire(action: VodAction, signal?: AbortSignal): Promise<void>;
  /** Callers waiting for `action` (for diagnostics and tests). */
  pending(action: VodAction): number;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** The sliding window of one action. */
class ActionWindow {
  private readonly times: Float64Array;
  private head = 0; // index of the oldest grant when full
  private count = 0;
  private readonly queue: Waiter[] = [];
  private pumping = false;
  /** Cancels the pump's wait when the last waiter leaves, so no timer outlives the queue. */
  private pumpWait: AbortController | undefined;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
    private readonly sleep: Sleep,
  ) {
    this.times = new Float64Array(limit);
  }

  get pending(): number {
    return this.queue.length;
  }

  /** ms until a grant is allowed (0 = now). */
  private waitMs(): number {
    if (this.count < this.limit) return 0;
    const oldest = this.times[this.head] ?? 0;
    return Math.max(0, oldest + this.windowMs - this.now());
  }

  private grant(): void {
    const t = this.now();
    if (this.count < this.limit) {
      this.times[(this.head + this.count) % this.limit] = t;
      this.count += 1;
    } else {
      this.times[this.head] = t;
      this.head = (this.head + 1) % this.limit;
    }
  }

  acquire(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (this.queue.length === 0 && this.waitMs() === 0) {
      this.grant();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          if (this.queue.length === 0) this.pumpWait?.abort();
          reject(abortError(signal));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      void this.pump();
    });
  }

  /** One loop per action while anyone waits; no timer runs when the queue is empty. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const wait = this.waitMs();
        if (wait > 0) {
          const cancel = new AbortController();
          this.pumpWait = cancel;
          try {
            await this.sleep(wait, cancel.signal);
          } catch (error) {
            if (cancel.signal.aborted) continue; // the queue emptied; the loop ends
            throw error;
          } finally {
            this.pumpWait = undefined;
          }
          continue;
        }
        const waiter = this.queue.shift();
        if (!waiter) break;
        if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
        this.grant();
        waiter.resolve();
      }
    } catch (error) {
      // Only an injected sleep can throw here; fail the waiters rather than hang them.
      for (const waiter of this.queue.splice(0)) waiter.reject(error);
    } finally {
      this.pumping = false;
    }
  }
}

/** Validates one limit: an integer ≥ 1 or Infinity. */
function checkLimit(action: VodAction, value: number): number {
  if (value === Number.POSITIVE_INFINITY) return value;
  if (!Number.isInteger(value) || value < 1) {
    throw new VodArgumentError(`limits.${action}`, 'an integer ≥ 1 or Infinity', value);
  }
  return value;
}

/** A pacer under `limits` per `windowMs`. Throws {@link VodArgumentError} for bad options. */
export function createRatePacer(options: RatePacerOptions = {}): RatePacer {
  const windowMs = options.windowMs ?? 60_000;
  if (typeof windowMs !== 'number' || !Number.isFinite(windowMs) || windowMs <= 0) {
    throw new VodArgumentError('windowMs', 'a finite number > 0', windowMs);
  }
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const limits: Record<VodAction, number> = { ...DEFAULT_RATE_LIMITS };
  for (const [action, value] of Object.entries(options.limits ?? {}) as [VodAction, number | undefined][]) {
    if (!Object.hasOwn(DEFAULT_RATE_LIMITS, action))
      throw new VodArgumentError('limits', 'keys InitUpload, UploadPart, FinishUpload', action);
    if (value !== undefined) limits[action] = checkLimit(action, value);
  }
  // Buffers are allocated on first use: a client that never uploads pays nothing.
  const windows = new Map<VodAction, ActionWindow>();
  const windowFor = (action: VodAction): ActionWindow | undefined => {
    const limit = Object.hasOwn(limits, action) ? limits[action] : undefined;
    if (limit === undefined) throw new VodArgumentError('action', 'InitUpload, UploadPart or FinishUpload', action);
    if (limit === Number.POSITIVE_INFINITY) return undefined;
    let window = windows.get(action);
    if (!window) {
      window = new ActionWindow(limit, windowMs, now, sleep);
      windows.set(action, window);
    }
    return window;
  };
  return {
    acquire(action, signal) {
      let window: ActionWindow | undefined;
      try {
        window = windowFor(action);
      } catch (error) {
        return Promise.reject(error);
      }
      if (!window) return signal?.aborted ? Promise.reject(abortError(signal)) : Promise.resolve();
      return window.acquire(signal);
    },
    pending(action) {
      return windows.get(action)?.pending ?? 0;
    },
  };
}
