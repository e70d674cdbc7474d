import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClientErrorCode, ErrorCode, VodArgumentError, VodError } from '../src/protocol/index.js';
import {
  abortError,
  abortableSleep,
  backoffDelay,
  createRetryState,
  isRetryable,
  withRetry,
  type RetryEvent,
  type Sleep,
} from '../src/util/retry.js';

const protocolError = (code: number, canRetry: boolean, status = 200): VodError =>
  new VodError({ code, canRetry, message: `code ${code}`, action: 'UploadPart', status });
const clientError = (code: (typeof ClientErrorCode)[keyof typeof ClientErrorCode], status?: number): VodError =>
  new VodError({ code, canRetry: false, message: code, status });

/** A sleep that records the delays and returns at once. */
function recordingSleep(): { sleep: Sleep; delays: number[] } {
  const delays: number[] = [];
  return { delays, sleep: (ms) => (delays.push(ms), Promise.resolve()) };
}

describe('isRetryable', () => {
  it.each([
    ['canRetry 1 answer (-10004)', protocolError(ErrorCode.CacheWrite, true), true],
    ['body MD5 mismatch, canRetry 1', protocolError(ErrorCode.BodyInvalid, true), true],
    ['4400 rate limit', protocolError(4400, true), true],
    ['4400 even if canRetry says 0', protocolError(4400, false), true],
    ['4500 replay/clock (re-signed)', protocolError(4500, false), true],
    ['6000 internal', protocolError(6000, false), true],
    ['HTTP 502', clientError(ClientErrorCode.BadAnswer, 502), true],
    ['HTTP 429', clientError(ClientErrorCode.BadAnswer, 429), true],
    ['NETWORK', clientError(ClientErrorCode.Network), true],
    ['TIMEOUT', clientError(ClientErrorCode.Timeout), true],
    ['NOT_JSON (proxy HTML page)', clientError(ClientErrorCode.NotJson, 200), true],
    ['signature wrong', protocolError(ErrorCode.Signature, false), false],
    ['SHA-1 mismatch at Finish', protocolError(ErrorCode.BodyInvalid, false), false],
    ['unknown SecretId', protocolError(4104, false), false],
    // Issue 9, bug 7: every action can be repeated safely, so a garbled 2xx answer gets the bounded retries.
    ['BAD_ANSWER with HTTP 200 (null, {"code":"zero"})', clientError(ClientErrorCode.BadAnswer, 200), true],
    ['BAD_ANSWER with HTTP 400', clientError(ClientErrorCode.BadAnswer, 400), false],
    ['ABORTED', clientError(ClientErrorCode.Aborted), false],
    ['argument error', new VodArgumentError('partSize', '524288 or 1048576', 3), false],
    ['DOM AbortError', new DOMException('aborted', 'AbortError'), false],
    ['a plain TypeError (a bug)', new TypeError('x is undefined'), false],
    ['a string', 'oops', false],
  ])('%s → %s', (_name, error, expected) => {
    expect(isRetryable(error)).toBe(expected);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially within full-jitter bounds and is capped', () => {
    const options = { baseDelayMs: 500, maxDelayMs: 30_000 };
    for (let attempt = 1; attempt <= 12; attempt += 1) {
      const ceiling = Math.min(30_000, 500 * 2 ** (attempt - 1));
      expect(backoffDelay(attempt, { ...options, random: () => 0 })).toBe(0);
      expect(backoffDelay(attempt, { ...options, random: () => 0.999999 })).toBe(Math.floor(0.999999 * ceiling));
      const mid = backoffDelay(attempt, { ...options, random: () => 0.5 });
      expect(mid).toBe(Math.floor(ceiling / 2));
    }
    expect(backoffDelay(1000, { ...options, random: () => 0.999999 })).toBeLessThanOrEqual(30_000);
  });

  it('random draws stay inside [0, ceiling] over many samples', () => {
    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 500; i += 1) {
      const delay = backoffDelay(3, { random });
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(2000);
    }
  });

  it('after a rate-limit answer waits at least rateLimitDelayMs', () => {
    const limited = protocolError(4400, true);
    expect(backoffDelay(1, { random: () => 0 }, limited)).toBe(5_000);
    expect(backoffDelay(1, { random: () => 0.5 }, limited)).toBe(5_250);
    expect(backoffDelay(20, { random: () => 0.999 }, limited)).toBe(30_000);
    expect(backoffDelay(1, { random: () => 0, rateLimitDelayMs: 60_000 }, clientError('BAD_ANSWER', 429))).toBe(60_000);
    expect(backoffDelay(1, { random: () => 0 }, protocolError(6000, true))).toBe(0);
  });

  it('rejects bad options with a typed error naming the option', () => {
    expect(() => backoffDelay(0)).toThrow(VodArgumentError);
    expect(() => backoffDelay(1, { baseDelayMs: -1 })).toThrow(/baseDelayMs/);
    expect(() => createRetryState({ retries: 1.5 })).toThrow(/retries/);
  });
});

describe('withRetry', () => {
  it('calls fn afresh each attempt and succeeds after retryable failures', async () => {
    const { sleep, delays } = recordingSleep();
    const attempts: number[] = [];
    const events: RetryEvent[] = [];
    const result = await withRetry(
      async ({ attempt }) => {
        attempts.push(attempt);
        if (attempt < 3) throw protocolError(4500, true);
        return 'ok';
      },
      { sleep, random: () => 0.5, onRetry: (event) => events.push(event) },
    );
    expect(result).toBe('ok');
    expect(attempts).toEqual([1, 2, 3]);
    expect(delays).toEqual([250, 500]);
    expect(events.map((event) => [event.attempt, event.delayMs])).toEqual([
      [1, 250],
      [2, 500],
    ]);
  });

  it('gives up after `retries` retries and throws the last error unchanged', async () => {
    const { sleep, delays } = recordingSleep();
    let calls = 0;
    const last = protocolError(6000, true);
    const promise = withRetry(
      async () => {
        calls += 1;
        throw calls === 4 ? last : protocolError(6000, true);
      },
      { retries: 3, sleep },
    );
    await expect(promise).rejects.toBe(last);
    expect(calls).toBe(4);
    expect(delays).toHaveLength(3);
  });

  it('default budget is 5 retries (6 attempts)', async () => {
    const { sleep } = recordingSleep();
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls += 1;
          throw clientError('NETWORK');
        },
        { sleep },
      ),
    ).rejects.toMatchObject({ code: 'NETWORK' });
    expect(calls).toBe(6);
  });

  it('throws a non-retryable error at once, without sleeping', async () => {
    const { sleep, delays } = recordingSleep();
    let calls = 0;
    const fatal = protocolError(ErrorCode.Signature, false);
    await expect(
      withRetry(
        async () => {
          calls += 1;
          throw fatal;
        },
        { sleep },
      ),
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
    expect(delays).toEqual([]);
  });

  it('progressed() resets the budget: a slow but moving request is not killed', async () => {
    const { sleep } = recordingSleep();
    let calls = 0;
    // 10 failures, each after progress, with a budget of 2 retries: still succeeds.
    const result = await withRetry(
      async ({ progressed }) => {
        calls += 1;
        if (calls <= 10) {
          progressed();
          throw clientError('TIMEOUT');
        }
        return calls;
      },
      { retries: 2, sleep },
    );
    expect(result).toBe(11);

    // Without progress the same budget fails on the third failure.
    calls = 0;
    await expect(
      withRetry(
        async () => {
          calls += 1;
          throw clientError('TIMEOUT');
        },
        { retries: 2, sleep },
      ),
    ).rejects.toBeInstanceOf(VodError);
    expect(calls).toBe(3);
  });

  it('a shared state spends one budget across calls and reset() restores it', async () => {
    const { sleep } = recordingSleep();
    const state = createRetryState({ retries: 2 });
    const failOnce = (): (() => Promise<string>) => {
      let failed = false;
      return async () => {
        if (!failed) {
          failed = true;
          throw clientError('NETWORK');
        }
        return 'ok';
      };
    };
    await withRetry(failOnce(), { state, sleep });
    await withRetry(failOnce(), { state, sleep });
    expect(state.failures).toBe(2);
    await expect(withRetry(failOnce(), { state, sleep })).rejects.toMatchObject({ code: 'NETWORK' });
    state.reset();
    expect(state.failures).toBe(0);
    await expect(withRetry(failOnce(), { state, sleep })).resolves.toBe('ok');
  });

  describe('abort', () => {
    afterEach(() => vi.useRealTimers());

    it('abort during a backoff sleep rejects promptly with an ABORTED VodError', async () => {
      vi.useFakeTimers();
      const controller = new AbortController();
      let calls = 0;
      const promise = withRetry(
        async () => {
          calls += 1;
          throw protocolError(4400, true);
        },
        {
          signal: controller.signal,
          random: () => 0,
        },
      );
      const settled = vi.fn();
      promise.catch(settled);
      await vi.advanceTimersByTimeAsync(1_000); // inside the 5 s rate-limit wait
      expect(settled).not.toHaveBeenCalled();
      controller.abort();
      await vi.advanceTimersByTimeAsync(0);
      expect(settled).toHaveBeenCalledTimes(1);
      await expect(promise).rejects.toMatchObject({ code: 'ABORTED', canRetry: false });
      expect(calls).toBe(1);
      expect(vi.getTimerCount()).toBe(0); // the sleep's timer was cleared
    });

    it('rejects promptly even when an injected sleep ignores the signal', async () => {
      const controller = new AbortController();
      const never: Sleep = () => new Promise(() => undefined);
      const promise = withRetry(
        async () => {
          throw clientError('NETWORK');
        },
        { signal: controller.signal, sleep: never },
      );
      await Promise.resolve();
      controller.abort();
      await expect(promise).rejects.toMatchObject({ code: 'ABORTED' });
    });

    it('an already-aborted signal calls fn zero times', async () => {
      const fn = vi.fn(async () => 1);
      await expect(withRetry(fn, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
      expect(fn).not.toHaveBeenCalled();
    });

    it('an error thrown because of the abort is reported as the abort, not retried', async () => {
      const controller = new AbortController();
      const { sleep, delays } = recordingSleep();
      const promise = withRetry(
        async () => {
          controller.abort();
          throw clientError('NETWORK');
        },
        { signal: controller.signal, sleep },
      );
      await expect(promise).rejects.toMatchObject({ code: 'ABORTED' });
      expect(delays).toEqual([]);
    });

    it('a VodError given as abort reason is surfaced as is (one error for the whole upload)', async () => {
      const fatal = protocolError(ErrorCode.Signature, false);
      expect(abortError(AbortSignal.abort(fatal))).toBe(fatal);
      await expect(abortableSleep(10, AbortSignal.abort(fatal))).rejects.toBe(fatal);
      const custom = abortError(AbortSignal.abort('user left'));
      expect(custom).toMatchObject({ code: 'ABORTED', cause: 'user left' });
    });
  });
});
