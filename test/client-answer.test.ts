import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { AnswerTooLarge, interpretAnswer, parseAnswerJson, readBoundedText } from '../src/client/answer.js';
import { ClientErrorCode, VodError } from '../src/protocol/index.js';

const finish = z.object({ code: z.literal(0), fileId: z.string(), url: z.string() });

/** The VodError `interpretAnswer` throws for an answer. */
function failure(status: number, text: string, okCodes: readonly number[] = [0]): VodError {
  try {
    interpretAnswer('FinishUpload', status, text, okCodes, finish);
  } catch (error) {
    if (error instanceof VodError) return error;
    throw error;
  }
  throw new Error('expected a VodError');
}

describe('parseAnswerJson', () => {
  it('keeps a fileId above 2^53 exact by reading its digits as a string', () => {
    // Only fileId is quoted: another big number is left to JSON.parse (and rounds).
    expect(parseAnswerJson('{"code":0,"fileId": 5285890799999999999,"n":5285890799999999999}')).toEqual({
      code: 0,
      fileId: '5285890799999999999',
      n: Number('5285890799999999999'),
    });
    expect(parseAnswerJson('{"fileId":-1.5e3}')).toEqual({ fileId: '-1.5e3' });
    expect(parseAnswerJson('{"fileId":"12"}')).toEqual({ fileId: '12' });
  });
});

describe('interpretAnswer', () => {
  it('returns the validated success shape', () => {
    expect(interpretAnswer('FinishUpload', 200, '{"code":0,"fileId":12,"url":"u"}', [0], finish)).toEqual({
      code: 0,
      fileId: '12',
      url: 'u',
    });
  });

  it("a protocol error code: its meaning, the message, codeDesc and the server's canRetry", () => {
    const error = failure(200, '{"code":4400,"message":"slow down","codeDesc":"RateLimit","canRetry":1}');
    expect(error).toMatchObject({ code: 4400, codeDesc: 'RateLimit', canRetry: true, action: 'FinishUpload', status: 200 });
    expect(error.message).toBe('FinishUpload failed with code 4400 (rate limit exceeded): slow down');
    expect(failure(200, '{"code":-123}').message).toBe('FinishUpload failed with code -123 (unexpected code)');
    expect(failure(200, '{"code":-10002}').canRetry).toBe(false);
  });

  it('a code that is not ok for this action is an error even when another action would take it', () => {
    expect(failure(200, '{"code":1}', [0]).code).toBe(1);
    expect(interpretAnswer('FinishUpload', 200, '{"code":1,"fileId":"1","url":"u"}', [0, 1], z.object({ code: z.literal(1) }))).toEqual({
      code: 1,
    });
  });

  it('not JSON: NOT_JSON with an excerpt, retried only for statuses worth retrying', () => {
    const html = `<html>${'x'.repeat(300)}</html>`;
    const error = failure(502, html);
    expect(error.code).toBe(ClientErrorCode.NotJson);
    expect(error.message).toBe(`FinishUpload: the answer was not JSON (HTTP 502): ${JSON.stringify(`${html.slice(0, 200)}…`)}`);
    expect(error.body).toBe(`${html.slice(0, 200)}…`);
    expect(error.status).toBe(502);
    expect(error.cause).toBeInstanceOf(SyntaxError);
    const retried = Object.fromEntries(
      [200, 299, 300, 404, 407, 408, 429, 499, 500, 503].map((status) => [status, failure(status, 'oops').canRetry]),
    );
    expect(retried).toEqual({
      200: true,
      299: true,
      300: false,
      404: false,
      407: false,
      408: true,
      429: true,
      499: false,
      500: true,
      503: true,
    });
    expect(failure(199, 'oops').canRetry).toBe(false);
    expect(failure(200, 'x'.repeat(200)).body).toBe('x'.repeat(200));
  });

  it('an ok code with a non-2xx status, or a broken shape, is BAD_ANSWER naming what was wrong', () => {
    const status = failure(500, '{"code":0,"fileId":"1","url":"u"}');
    expect(status).toMatchObject({ code: ClientErrorCode.BadAnswer, canRetry: false, status: 500 });
    expect(status.message).toBe(
      'FinishUpload: the answer broke the protocol (code 0 with HTTP 500): "{\\"code\\":0,\\"fileId\\":\\"1\\",\\"url\\":\\"u\\"}"',
    );
    expect(failure(199, '{"code":0,"fileId":"1","url":"u"}').code).toBe(ClientErrorCode.BadAnswer);
    expect(failure(300, '{"code":0,"fileId":"1","url":"u"}').code).toBe(ClientErrorCode.BadAnswer);
    const shape = failure(200, '{"code":0,"url":5}');
    expect(shape.message).toBe(
      'FinishUpload: the answer broke the protocol (fileId: expected string; url: expected string): "{\\"code\\":0,\\"url\\":5}"',
    );
    const root = failure(200, '[1]');
    expect(root.message).toMatch(/^FinishUpload: the answer broke the protocol \(\(root\): expected object\)/);
  });

  it('names at most three broken fields', () => {
    const schema = z.object({ code: z.literal(0), a: z.string(), b: z.string(), c: z.string(), d: z.string() });
    try {
      interpretAnswer('InitUpload', 200, '{"code":0}', [0], schema);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain('(a: expected string; b: expected string; c: expected string)');
    }
  });
});

describe('readBoundedText', () => {
  it('reads an answer up to the limit, and refuses a longer one with AnswerTooLarge', async () => {
    expect(await readBoundedText(new Response('12345'), 5)).toBe('12345');
    const refused = await readBoundedText(new Response('123456'), 5).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AnswerTooLarge);
    expect(refused).toMatchObject({ name: 'AnswerTooLarge', limit: 5, message: 'answer exceeds the 5-byte limit' });
  });
});
