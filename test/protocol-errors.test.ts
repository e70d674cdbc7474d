import { describe as suite, expect, it } from 'vitest';
import { ClientErrorCode, describe, isAbortError, VodArgumentError, VodError } from '../src/protocol/index.js';

suite('describe: values in error messages', () => {
  it('quotes strings, marks bigints, prints other primitives as they are', () => {
    expect(describe('mp4')).toBe('"mp4"');
    expect(describe(12n)).toBe('12n');
    expect(describe(42)).toBe('42');
    expect(describe(null)).toBe('null');
    expect(describe(undefined)).toBe('undefined');
    expect(describe(true)).toBe('true');
  });

  it('prints objects as JSON with every secret-looking field redacted, at any depth', () => {
    expect(describe({ secretId: 'id1', secretKey: 'k1', ok: 1 })).toBe('{"secretId":"[redacted]","secretKey":"[redacted]","ok":1}');
    expect(describe({ nested: { Token: 't', password: 'p' } })).toBe('{"nested":{"Token":"[redacted]","password":"[redacted]"}}');
    expect(describe({ Signature: 's', authorization: 'a', name: 'x' })).toBe(
      '{"Signature":"[redacted]","authorization":"[redacted]","name":"x"}',
    );
    expect(describe(['a', 2])).toBe('["a",2]');
  });

  it('falls back to the object tag for what JSON cannot print', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(describe(cyclic)).toBe('[object Object]');
    expect(describe(() => 1)).toBe('() => 1');
    expect(describe({ toJSON: () => undefined })).toBe('[object Object]');
  });

  it('keeps at most 120 characters, ending a cut text with ...', () => {
    expect(describe('x'.repeat(118))).toBe(`"${'x'.repeat(118)}"`);
    expect(describe('x'.repeat(119))).toBe(`"${'x'.repeat(116)}...`);
    expect(describe('x'.repeat(119))).toHaveLength(120);
  });
});

suite('VodArgumentError', () => {
  it('names the parameter, what was expected and what came, and never invites a retry', () => {
    const error = new VodArgumentError('partSize', '524288 or 1048576', 3);
    expect(error).toBeInstanceOf(VodError);
    expect(error.message).toBe('Invalid partSize: expected 524288 or 1048576, got 3');
    expect(error.parameter).toBe('partSize');
    expect(error.code).toBe(ClientErrorCode.InvalidArgument);
    expect(error.canRetry).toBe(false);
    expect(error.name).toBe('VodError');
  });

  it('says nothing about the value when none was given', () => {
    expect(new VodArgumentError('secretKey', 'a non-empty string').message).toBe('Invalid secretKey: expected a non-empty string');
  });
});

suite('VodError', () => {
  it('keeps every field it was given, and its cause', () => {
    const cause = new Error('socket hang up');
    const error = new VodError({
      code: 4400,
      message: 'slow down',
      canRetry: true,
      action: 'UploadPart',
      codeDesc: 'RateLimit',
      status: 200,
      body: '{}',
      cause,
    });
    expect(error).toMatchObject({
      code: 4400,
      message: 'slow down',
      canRetry: true,
      action: 'UploadPart',
      codeDesc: 'RateLimit',
      status: 200,
      body: '{}',
    });
    expect(error.cause).toBe(cause);
  });

  it('has an empty codeDesc and no cause property when none were given', () => {
    const error = new VodError({ code: ClientErrorCode.Network, message: 'down', canRetry: true });
    expect(error.codeDesc).toBe('');
    expect('cause' in error).toBe(false);
    expect(error.action).toBeUndefined();
  });
});

suite('isAbortError', () => {
  it('is true for our ABORTED error and for AbortError and TimeoutError from fetch', () => {
    expect(isAbortError(new VodError({ code: ClientErrorCode.Aborted, message: 'aborted', canRetry: false }))).toBe(true);
    expect(isAbortError(new DOMException('stop', 'AbortError'))).toBe(true);
    expect(isAbortError(new DOMException('late', 'TimeoutError'))).toBe(true);
  });

  it('is false for other errors, other VodErrors, and for non-errors that look like one', () => {
    expect(isAbortError(new VodError({ code: ClientErrorCode.Timeout, message: 'late', canRetry: true }))).toBe(false);
    expect(isAbortError(new Error('AbortError'))).toBe(false);
    expect(isAbortError({ name: 'AbortError' })).toBe(false);
    expect(isAbortError(undefined)).toBe(false);
  });
});
