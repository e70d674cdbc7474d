import { describe, expect, it } from 'vitest';
import { answer, answerText, corsHeaders, jsonResponse, plainBodyOf, preflightResponse, textResponse } from '../src/emulator/answer.js';

const preflight = (headers: Record<string, string>) =>
  new Request('http://127.0.0.1/', { method: 'OPTIONS', headers: { Origin: 'http://page.example', ...headers } });

describe('emulator answers: CORS headers', () => {
  it('allow any origin, the methods and exposed headers the browser needs, cached 10 minutes', () => {
    const headers = corsHeaders();
    expect(Object.fromEntries(headers)).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, POST, HEAD, OPTIONS, DELETE',
      'access-control-expose-headers': 'Content-Length, Content-Range, Accept-Ranges, ETag',
      'access-control-max-age': '600',
      'access-control-allow-headers': 'Content-Type, Range',
    });
  });

  it('echo the request headers a preflight asks for, up to 1024 characters; longer asks get the default', () => {
    expect(
      corsHeaders(preflight({ 'Access-Control-Request-Headers': 'x-trace-id, content-type' })).get('Access-Control-Allow-Headers'),
    ).toBe('x-trace-id, content-type');
    const longest = `x-${'a'.repeat(1022)}`;
    expect(corsHeaders(preflight({ 'Access-Control-Request-Headers': longest })).get('Access-Control-Allow-Headers')).toBe(longest);
    expect(corsHeaders(preflight({ 'Access-Control-Request-Headers': `${longest}b` })).get('Access-Control-Allow-Headers')).toBe(
      'Content-Type, Range',
    );
  });

  it('allow a private-network request only when the browser asks with "true"', () => {
    expect(corsHeaders(preflight({ 'Access-Control-Request-Private-Network': 'true' })).get('Access-Control-Allow-Private-Network')).toBe(
      'true',
    );
    expect(corsHeaders(preflight({ 'Access-Control-Request-Private-Network': 'false' })).has('Access-Control-Allow-Private-Network')).toBe(
      false,
    );
    expect(corsHeaders(preflight({})).has('Access-Control-Allow-Private-Network')).toBe(false);
  });

  it('a preflight is answered 204 with no body and the CORS headers', async () => {
    const response = preflightResponse(preflight({ 'Access-Control-Request-Headers': 'x-trace-id' }));
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Headers')).toBe('x-trace-id');
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(await response.text()).toBe('');
  });
});

describe('emulator answers: the protocol envelope', () => {
  it('writes code, message, codeDesc, canRetry first, then the fields; 0, 1 and 2 are Success', () => {
    expect(answerText(answer(1, 'resume', 0, { dataSize: 5, listParts: [] }))).toBe(
      '{"code":1,"message":"resume","codeDesc":"Success","canRetry":0,"dataSize":5,"listParts":[]}',
    );
    expect(JSON.parse(answerText(answer(0, '', 0))).codeDesc).toBe('Success');
    expect(JSON.parse(answerText(answer(2, '', 0))).codeDesc).toBe('Success');
  });

  it("an error's codeDesc is its description; a code with none says 'error'", () => {
    expect(answerText(answer(-10006, 'short body', 1))).toBe(
      '{"code":-10006,"message":"short body","codeDesc":"body invalid","canRetry":1}',
    );
    expect(JSON.parse(answerText(answer(4400, '', 1))).codeDesc).toBe('rate limit exceeded');
    expect(JSON.parse(answerText(answer(-424242, '', 0))).codeDesc).toBe('error');
  });

  it('numericFileId writes a digits-only fileId as a bare JSON number, and nothing else', () => {
    const finished = answer(0, '', 0, { fileId: '16092504232103571364', url: 'http://x.example/f.mp4' });
    expect(answerText(finished, true)).toBe(
      '{"code":0,"message":"","codeDesc":"Success","canRetry":0,"fileId":16092504232103571364,"url":"http://x.example/f.mp4"}',
    );
    expect(answerText(finished)).toContain('"fileId":"16092504232103571364"');
    // Not digits only, or not a string: left as it is.
    expect(answerText(answer(0, '', 0, { fileId: '12a' }), true)).toContain('"fileId":"12a"');
    expect(answerText(answer(0, '', 0, { fileId: 'a12' }), true)).toContain('"fileId":"a12"');
    expect(answerText(answer(0, '', 0, { fileId: '' }), true)).toContain('"fileId":""');
    expect(answerText(answer(0, '', 0, { other: '12' }), true)).toBe(
      '{"code":0,"message":"","codeDesc":"Success","canRetry":0,"other":"12"}',
    );
  });
});

describe('emulator answers: HTTP responses', () => {
  it('a JSON answer is 200, JSON, no-cache, with CORS and any extra header', async () => {
    const response = jsonResponse('{"code":0}', preflight({ 'Access-Control-Request-Headers': 'x-a' }), { Connection: 'close' });
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('Cache-Control')).toBe('no-cache');
    expect(response.headers.get('Access-Control-Allow-Headers')).toBe('x-a');
    expect(response.headers.get('Connection')).toBe('close');
    expect(await response.text()).toBe('{"code":0}');
  });

  it('a text answer has its status, plain text, CORS and any extra header', async () => {
    const response = textResponse(405, 'Method Not Allowed', undefined, { Allow: 'GET, POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('Allow')).toBe('GET, POST');
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(await response.text()).toBe('Method Not Allowed');
  });

  it('plainBodyOf gives the text of an answer built here until its body is read, and nothing for other responses', async () => {
    const response = textResponse(404, 'Not Found');
    expect(plainBodyOf(response)).toBe('Not Found');
    expect(plainBodyOf(jsonResponse('{"code":0}'))).toBe('{"code":0}');
    await response.text();
    expect(plainBodyOf(response)).toBeUndefined();
    expect(plainBodyOf(new Response('elsewhere'))).toBeUndefined();
  });
});
