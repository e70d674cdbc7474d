/**
 * A bounded-concurrency limiter: at most `concurrency` tasks run at once, the rest wait FIFO.
 * One limiter per upload bounds its parts in flight (and so its memory); one shared by an upload
 * queue bounds the parts of all files together.
 */
import { VodArgumentError } from '../protocol/errors.js';
import { abortError } from './retry.js';

/** A FIFO bound on tasks running at once (see {@link createLimiter}). */
export interface Limiter {
  /** The bound given at creation. */
  readonly concurrency: number;
  /** Tasks running now (never more than `concurrency`). */
  readonly activeCount: number;
  /** Tasks waiting for a slot. */
  readonly pendingCount: number;
  /**
   * Runs `task` when a slot is free and settles like it. If `signal` aborts while the task is
   * still waiting, it leaves the queue and the promise rejects with an `ABORTED` VodError; a task
   * that already started is the task's own business (pass it the signal).
   */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

interface Pending {
  start: () => void;
  cancel: (() => void) | undefined;
}

/**
 * Most parts in flight at once: each holds up to 1 MiB in memory, and beyond a few dozen more
 * connections only compete for the same bandwidth and the service's 10 000 parts a minute.
 */
export const MAX_CONCURRENCY = 64;

/**
 * Parts in flight `concurrency: 'auto'` starts with. On the synthetic links of
 * test/core-auto-concurrency-link.test.ts, 5 reaches ≥ 0.9× the best fixed figure in every case:
 * 4 lost a round trip of ramp 50 ms away (0.88×), 6 and 8 a round of queueing 20 ms away.
 */
export const AUTO_INITIAL_CONCURRENCY = 5;

/** The most parts `concurrency: 'auto'` keeps in flight: beyond it parts only queue, even 200 ms away. */
export const AUTO_MAX_CONCURRENCY = 32;

/** Part bytes `concurrency: 'auto'` may hold in flight at once (its memory cap), unless told otherwise. */
export const DEFAULT_MAX_IN_FLIGHT_BYTES = 32 * 1048576;

/** Parts in flight: a fixed number, or `'auto'` to follow the link (see `auto-concurrency.ts`). */
export type ConcurrencySetting = number | 'auto';

/** Validates a setting: `'auto'` or an integer from 1 to {@link MAX_CONCURRENCY} (else a {@link VodArgumentError} naming `name`). */
export function checkConcurrencySetting(value: unknown, name = 'concurrency'): ConcurrencySetting {
  if (value === 'auto') return value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_CONCURRENCY) {
    throw new VodArgumentError(name, `'auto' or an integer from 1 to ${MAX_CONCURRENCY}`, value);
  }
  return value;
}

/** Validates the bound: an integer from 1 to {@link MAX_CONCURRENCY} (else {@link VodArgumentError} naming `concurrency`). */
export function checkConcurrency(concurrency: unknown): number {
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new VodArgumentError('concurrency', `an integer from 1 to ${MAX_CONCURRENCY}`, concurrency);
  }
  return concurrency;
}

/** A FIFO limiter running at most `concurrency` tasks at once. */
export function createLimiter(concurrency: number): Limiter {
  const limit = checkConcurrency(concurrency);
  const queue: Pending[] = [];
  let active = 0;

  const release = (): void => {
    active -= 1;
    const next = queue.shift();
    if (next) next.start();
  };

  return {
    concurrency: limit,
    get activeCount() {
      return active;
    },
    get pendingCount() {
      return queue.length;
    },
    run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      if (signal?.aborted) return Promise.reject(abortError(signal));
      return new Promise<T>((resolve, reject) => {
        const entry: Pending = {
          cancel: undefined,
          start: () => {
            if (entry.cancel) signal?.removeEventListener('abort', entry.cancel);
            active += 1;
            let result: Promise<T>;
            try {
              result = Promise.resolve(task());
            } catch (error) {
              // A task that throws synchronously still frees its slot.
              result = Promise.reject(error);
            }
            result.then(resolve, reject).finally(release);
          },
        };
        if (active < limit && queue.length === 0) {
          entry.start();
          return;
        }
        if (signal) {
          entry.cancel = () => {
            const index = queue.indexOf(entry);
            if (index >= 0) queue.splice(index, 1);
            reject(abortError(signal));
          };
          signal.addEventListener('abort', entry.cancel, { once: true });
        }
        queue.push(entry);
      });
    },
  };
}
