/**
 * A deadline for one exchange (request and answer body together), merged with the caller's
 * AbortSignal. Written out rather than AbortSignal.any/timeout so it behaves the same in every
 * runtime, and so its timer and listeners are released as soon as the exchange ends.
 */
export interface Deadline {
  /** Aborts when the caller aborts or the time is up. */
  readonly signal: AbortSignal;
  /** True once the time ran out (as opposed to the caller aborting). */
  readonly expired: boolean;
  /** Releases the timer and the listener; call when the exchange is over. */
  clear(): void;
}

export function startDeadline(ms: number, caller?: AbortSignal): Deadline {
  const controller = new AbortController();
  let expired = false;
  const onCallerAbort = (): void => controller.abort(caller?.reason);
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError'));
  }, ms);
  if (caller?.aborted) onCallerAbort();
  else caller?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    clear() {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
    },
  };
}
