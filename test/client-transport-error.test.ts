import { describe, expect, it } from 'vitest';
import { AnswerTooLarge } from '../src/client/answer.js';
import { transportError } from '../src/client/transport-error.js';
import { ClientErrorCode, VodError } from '../src/protocol/index.js';

const limits = { timeoutMs: 5000, stallTimeoutMs: 700 };
const calm = { expired: false, stalled: false };

describe('transportError: a request that got no usable answer', () => {
  it('passes a VodError through unchanged', () => {
    const own = new VodError({ code: 4400, message: 'slow', canRetry: true });
    expect(transportError('UploadPart', own, undefined, calm, limits)).toBe(own);
  });

  it('an answer over the limit is BAD_ANSWER, never retried', () => {
    const tooLarge = new AnswerTooLarge(64);
    const error = transportError('InitUpload', tooLarge, undefined, calm, limits);
    expect(error).toMatchObject({ code: ClientErrorCode.BadAnswer, canRetry: false, action: 'InitUpload', cause: tooLarge });
    expect(error.message).toBe('InitUpload: the answer broke the protocol (answer exceeds the 64-byte limit)');
  });

  it("the caller's abort wins over a deadline, and carries the signal's reason", () => {
    const controller = new AbortController();
    const reason = new Error('user left');
    controller.abort(reason);
    const error = transportError('UploadPart', new Error('x'), controller.signal, { expired: true, stalled: true }, limits);
    expect(error).toMatchObject({ code: ClientErrorCode.Aborted, canRetry: false, message: 'UploadPart was aborted', cause: reason });
    expect(transportError('UploadPart', new Error('x'), new AbortController().signal, calm, limits).code).toBe(ClientErrorCode.Network);
  });

  it('a stall and an expired deadline are retried TIMEOUTs saying which limit passed', () => {
    const cause = new Error('x');
    const stalled = transportError('UploadPart', cause, undefined, { expired: true, stalled: true }, limits);
    expect(stalled).toMatchObject({ code: ClientErrorCode.Timeout, canRetry: true, action: 'UploadPart', cause });
    expect(stalled.message).toBe('UploadPart: stalled (no byte sent or received for 700 ms)');
    const expired = transportError('FinishUpload', cause, undefined, { expired: true, stalled: false }, limits);
    expect(expired).toMatchObject({ code: ClientErrorCode.Timeout, canRetry: true, cause });
    expect(expired.message).toBe('FinishUpload: no answer within 5000 ms');
  });

  it('anything else is a retried NETWORK error with the reason', () => {
    const cause = new TypeError('fetch failed');
    expect(transportError('InitUpload', cause, undefined, calm, limits)).toMatchObject({
      code: ClientErrorCode.Network,
      canRetry: true,
      action: 'InitUpload',
      message: 'InitUpload: network failure (fetch failed)',
      cause,
    });
    expect(transportError('InitUpload', 'reset', undefined, calm, limits).message).toBe('InitUpload: network failure (reset)');
  });
});
