/**
 * The retry policy: which failures are worth another attempt, how long to wait, and a loop that
 * calls a fresh attempt each time. Pure and runtime-agnostic; clock, sleep and randomness are
 * injectable so tests run on fake time.
 *
 * Part-scoped by design: the orchestrator wraps *one request* (one part, one Init, one Finish) in
 * {@link withRetry}; a part that keeps failing fails only itself, never restarts the upload.
 */
import { ClientErrorCode, ErrorCode, VodArgumentError, VodError, isAbortError } from '../protocol/errors.js';
import { raceSignal } from './deadline.js';

/** Tuning of the retry policy. */
export interface RetryOptions {
  /** Retries after the first attempt (so at most `retries + 1` attempts). Default 5. */
  retries?: number;
  /** Upper bound of the first retry's delay; doubles each retry. Default 500 ms. */
  baseDelayMs?: number;
  /** Cap on any single delay. Default 30 000 ms. */
  maxDelayMs?: number;
  /**
   * Minimum delay after a rate-limit answer (code 4400 or HTTP 429): the service counts calls per
   * 60 s window, so retrying within milliseconds only burns another call. Default 5 000 ms.
   */
  rateLimitDelayMs?: number;
  /** Source of randomness in [0, 1) for jitter. Default `Math.random`. */
  random?: () => number;
}

/** Resolved options, validated. */
export interface RetryPolicy {
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly rateLimitDelayMs: number;
  readonly random: () => number;
}

/** Waits `ms`, rejecting early when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Public codes that mean "the same request may succeed later", whatever `canRetry` said. */
const RETRYABLE_PROTOCOL_CODES: ReadonlySet<number> = new Set([ErrorCode.RateLimited, ErrorCode.ReplayOrClock, ErrorCode.Internal]);

/**
 * Client codes worth retrying. `NOT_JSON` is in: an HTML 502 page from a proxy is transient.
 * `BAD_ANSWER` is not in the set: it is retried (within the budget) only when it came with a 2xx
 * status, since every action of this protocol can be repeated safely.
 */
const RETRYABLE_CLIENT_CODES: ReadonlySet<string> = new Set([ClientErrorCode.Network, ClientErrorCode.Timeout, ClientErrorCode.NotJson]);

/**
 * True when sending the same request again (re-signed) can succeed.
 *
 * Only {@link VodError}s are classified; any other error is a bug in our code or the caller's
 * and is not retried. Aborts and argument errors are never retried.
 */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof VodError)) return false;
  if (error instanceof VodArgumentError || isAbortError(error)) return false;
  if (error.code === ClientErrorCode.InvalidArgument) return false;
  if (error.status !== undefined && (error.status >= 500 || error.status === 429)) return true;
  if (typeof error.code === 'number') return error.canRetry || RETRYABLE_PROTOCOL_CODES.has(error.code);
  // A 2xx answer that breaks the protocol (null, {"code":"zero"}) may be garbage in transit or a
  // server hiccup: every action can be repeated safely, so it gets the bounded retries too.
  if (error.code === ClientErrorCode.BadAnswer) return error.status !== undefined && error.status >= 200 && error.status < 300;
  return RETRYABLE_CLIENT_CODES.has(error.code);
}

/** True for a "slow down" answer: protocol code 4400 or HTTP 429. */
export function isRateLimited(error: unknown): boolean {
  return error instanceof VodError && (error.code === ErrorCode.RateLimited || error.status === 429);
}

/** Policies this module resolved: resolving one again returns it as it is (options are resolved once, at the boundary). */
const resolvedPolicies = new WeakSet<object>();

/**
 * Validates options and fills defaults. Throws {@link VodArgumentError} naming the bad option.
 * A policy it returned is returned again unchanged, so one resolved at the boundary is not
 * checked again for every part and every retry.
 */
export function resolveRetryPolicy(options: RetryOptions = {}): RetryPolicy {
  if (resolvedPolicies.has(options)) return options as RetryPolicy;
  const retries = options.retries ?? 5;
  if (!Number.isInteger(retries) || retries < 0) throw new VodArgumentError('retries', 'an integer ≥ 0', retries);
  const baseDelayMs = nonNegative('baseDelayMs', options.baseDelayMs ?? 500);
  const maxDelayMs = nonNegative('maxDelayMs', options.maxDelayMs ?? 30_000);
  const rateLimitDelayMs = nonNegative('rateLimitDelayMs', options.rateLimitDelayMs ?? 5_000);
  const random = options.random ?? Math.random;
  if (typeof random !== 'function') throw new VodArgumentError('random', 'a function returning [0, 1)', random);
  const policy: RetryPolicy = Object.freeze({ retries, baseDelayMs, maxDelayMs, rateLimitDelayMs, random });
  resolvedPolicies.add(policy);
  return policy;
}

function nonNegative(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new VodArgumentError(name, 'a finite number ≥ 0', value);
  }
  return value;
}

/**
 * Delay before retry number `attempt` (1 = the first retry), in whole ms.
 *
 * "Full jitter": uniform in [0, min(maxDelayMs, baseDelayMs · 2^(attempt-1))], which spreads
 * concurrent parts that failed together. After a rate-limit error the delay is at least
 * `rateLimitDelayMs` plus that jitter, capped at max(maxDelayMs, rateLimitDelayMs).
 */
export function backoffDelay(attempt: number, options: RetryOptions | RetryPolicy = {}, error?: unknown): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new VodArgumentError('attempt', 'an integer ≥ 1', attempt);
  const policy = resolveRetryPolicy(options);
  // Exponent bounded so 2^n stays finite for absurd attempt numbers.
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt - 1, 52));
  const r = Math.min(Math.max(policy.random(), 0), 1);
  const jitter = Math.floor(r * ceiling);
  if (!isRateLimited(error)) return jitter;
  return Math.min(policy.rateLimitDelayMs + jitter, Math.max(policy.maxDelayMs, policy.rateLimitDelayMs));
}

/** Failure bookkeeping for one request, or for a budget shared by several (see {@link withRetry}). */
export interface RetryState {
  /** Consecutive failures counted since creation or the last {@link RetryState.reset}. */
  readonly failures: number;
  /**
   * Records a failure. Returns the delay before the next attempt, or `undefined` when the error
   * is not retryable or the budget is spent (the caller then throws the error). `retryable`, when
   * given (a `shouldRetry` hook's answer), replaces the classifier; the budget still applies.
   */
  next(error: unknown, retryable?: boolean): number | undefined;
  /** Progress was made: the budget starts over. */
  reset(): void;
}

/** A fresh failure budget under `options`. */
export function createRetryState(options: RetryOptions = {}, retryable: (error: unknown) => boolean = isRetryable): RetryState {
  const policy = resolveRetryPolicy(options);
  let failures = 0;
  return {
    get failures() {
      return failures;
    },
    next(error, decided) {
      if (!(decided ?? retryable(error)) || failures >= policy.retries) return undefined;
      failures += 1;
      return backoffDelay(failures, policy, error);
    },
    reset() {
      failures = 0;
    },
  };
}

/** What an attempt receives. */
export interface RetryAttempt {
  /** 1 for the first try, 2 for the first retry, … (per call of {@link withRetry}). */
  readonly attempt: number;
  /** Call when the attempt made real progress (bytes acknowledged): the failure budget resets. */
  progressed(): void;
}

/** Reported before each wait. */
export interface RetryEvent {
  /** The attempt that failed (1-based). */
  readonly attempt: number;
  /** What the failed attempt threw. */
  readonly error: unknown;
  /** How long we wait before the next attempt. */
  readonly delayMs: number;
}

export interface WithRetryOptions extends RetryOptions {
  /** Aborting stops at once: a pending wait rejects, no further attempt starts. */
  signal?: AbortSignal | undefined;
  /** Called before each wait (for logging, for rolling back progress of the failed attempt). */
  onRetry?: ((event: RetryEvent) => void) | undefined;
  /** Injected for tests. Default: a timer that an abort cuts short. */
  sleep?: Sleep | undefined;
  /** Classifier. Default {@link isRetryable}. */
  retryable?: ((error: unknown) => boolean) | undefined;
  /**
   * A budget shared across calls (e.g. per upload, reset whenever any part succeeds). When given,
   * `retries`/`baseDelayMs`/… of this object are ignored in favour of the state's own policy.
   */
  state?: RetryState | undefined;
  /** Decides instead of the classifier whether a failure is retried (see {@link ShouldRetry}). */
  shouldRetry?: ShouldRetry | undefined;
}

/**
 * A hook deciding whether a failed request is sent again: `true` retries it (even an error the
 * library would not retry), `false` gives up at once (even on an error it would retry). Retries
 * stay within the budget (`retries`) and its backoff, and an abort is never retried nor asked
 * about. Use {@link isRetryable} for the library's own answer. A hook that throws fails the upload.
 *
 * @param error - What the failed attempt threw: a {@link VodError} for every protocol or network failure.
 * @param attempt - The attempt that failed: 1 for the first try, 2 for the first retry, …
 *
 * @example
 * shouldRetry: (error, attempt) => isRetryable(error) || (error instanceof VodError && error.code === 4300 && attempt < 3)
 */
export type ShouldRetry = (error: unknown, attempt: number) => boolean | Promise<boolean>;

/**
 * Calls `fn` until it resolves, a non-retryable error occurs, the budget is spent or `signal`
 * aborts. `fn` is called afresh each attempt, so the caller signs every attempt anew (new
 * Timestamp and Nonce): that is how code 4500 recovers.
 *
 * Rejects with the last error of `fn` (unchanged), or with an `ABORTED` {@link VodError} (or the abort reason, when it is one) on abort.
 */
export async function withRetry<T>(fn: (attempt: RetryAttempt) => Promise<T>, options: WithRetryOptions = {}): Promise<T> {
  const { signal, onRetry } = options;
  const sleep = options.sleep ?? abortableSleep;
  const state = options.state ?? createRetryState(options, options.retryable);
  for (let attempt = 1; ; attempt += 1) {
    if (signal?.aborted) throw abortError(signal);
    try {
      return await fn({ attempt, progressed: () => state.reset() });
    } catch (error) {
      // An error caused by our own abort is reported as the abort, not as a network failure.
      if (signal?.aborted) throw abortError(signal);
      const decided = options.shouldRetry ? await askShouldRetry(options.shouldRetry, error, attempt, signal) : undefined;
      const delayMs = state.next(error, decided);
      if (delayMs === undefined) throw error;
      onRetry?.({ attempt, error, delayMs });
      await raceAbort(sleep(delayMs, signal), signal);
    }
  }
}

async function askShouldRetry(hook: ShouldRetry, error: unknown, attempt: number, signal: AbortSignal | undefined): Promise<boolean> {
  const answer: unknown = await raceAbort(Promise.resolve(hook(error, attempt)), signal);
  if (typeof answer !== 'boolean')
    throw new VodArgumentError('shouldRetry', 'a function returning true or false (or a promise of it)', answer);
  return answer;
}

/**
 * The error that abort-aware functions reject with. When the signal's reason is already a
 * {@link VodError} (e.g. the orchestrator aborts in-flight parts *because* of one) it is reused,
 * so the caller sees one error; otherwise an `ABORTED` VodError carrying the reason as `cause`.
 */
export function abortError(signal?: AbortSignal): VodError {
  const reason: unknown = signal?.reason;
  if (reason instanceof VodError) return reason;
  return new VodError({ code: ClientErrorCode.Aborted, message: 'The operation was aborted', canRetry: false, cause: reason });
}

/** `setTimeout` as a promise that rejects with the abort error as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Rejects promptly on abort even if `promise` (an injected sleep, a task) ignores the signal.
 * The listener is removed once settled, so long-lived signals do not accumulate listeners.
 */
export function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  return signal ? raceSignal(promise, signal, () => abortError(signal)) : promise;
}
