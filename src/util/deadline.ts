/**
 * A deadline for one exchange (request and answer body together), merged with the caller's
 * AbortSignal, plus an optional stall watch: no progress (a body byte going out, an answer byte
 * coming in) for `stallMs` aborts the exchange too. Written out rather than AbortSignal.any/timeout
 * so it behaves the same in every runtime, and so its timers and listeners are released as soon
 * as the exchange ends.
 */
export interface Deadline {
  /** Aborts when the caller aborts, the time is up, or the exchange stalled. */
  readonly signal: AbortSignal;
  /** True once the time ran out (as opposed to the caller aborting). */
  readonly expired: boolean;
  /** True once the stall watch fired (no progress for the stall time). */
  readonly stalled: boolean;
  /** Starts the stall watch (a no-op without a stall time, or when it runs already). */
  watch(): void;
  /** Progress was made: the stall watch starts its count again. */
  touch(): void;
  /** Releases the timers and the listener; call when the exchange is over. */
  clear(): void;
}

export function startDeadline(ms: number, caller?: AbortSignal, stallMs?: number): Deadline {
  const controller = new AbortController();
  let expired = false;
  let stalled = false;
  let stallTimer: ReturnType<typeof setTimeout> | undefined;
  const onCallerAbort = (): void => controller.abort(caller?.reason);
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError'));
  }, ms);
  const onStall = (): void => {
    stalled = true;
    controller.abort(new DOMException(`no progress for ${stallMs} ms`, 'TimeoutError'));
  };
  if (caller?.aborted) onCallerAbort();
  else caller?.addEventListener('abort', onCallerAbort, { once: true });
  const armed = (): boolean => stallMs !== undefined && stallMs > 0 && !controller.signal.aborted;
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    get stalled() {
      return stalled;
    },
    watch() {
      if (stallTimer === undefined && armed()) stallTimer = setTimeout(onStall, stallMs);
    },
    touch() {
      if (stallTimer === undefined || !armed()) return;
      clearTimeout(stallTimer);
      stallTimer = setTimeout(onStall, stallMs);
    },
    clear() {
      clearTimeout(timer);
      clearTimeout(stallTimer);
      caller?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/**
 * `promise`, or a rejection with the signal's reason as soon as `signal` aborts, whichever comes
 * first: a step that ignores the signal (a body stream whose cancel never settles) cannot hold
 * the caller past its deadline.
 */
export function settleBy<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return raceSignal(promise, signal, () => signal.reason);
}

/**
 * `promise`, or a rejection with `reason()` as soon as `signal` aborts. The listener is removed
 * once settled, so long-lived signals do not accumulate listeners; the losing promise's rejection
 * is handled.
 */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal, reason: () => unknown): Promise<T> {
  promise.catch(() => undefined);
  if (signal.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
