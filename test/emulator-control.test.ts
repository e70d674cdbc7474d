/**
 * The emulator's control API (src/emulator/control.ts) through its web-standard handler: which
 * callers it answers, what each route does, and how it refuses a bad fault body (all or nothing).
 * Callers over real HTTP (DNS rebinding): emulator-control-origin.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../src/emulator/emulator.js';

const ORIGIN = 'http://127.0.0.1:8787';
const rule = { action: 'UploadPart', kind: 'answer', code: 4500, canRetry: 1 };

function control(method: string, path: string, init: { body?: string; headers?: Record<string, string>; origin?: string } = {}) {
  const emulator = createEmulator();
  const send = (m: string, p: string, i: typeof init = {}) =>
    emulator.handler(new Request(`${i.origin ?? ORIGIN}${p}`, { method: m, body: i.body, headers: i.headers }));
  return { emulator, send, response: send(method, path, init) };
}

describe('control API callers', () => {
  it.each([
    ['http://localhost:8787', undefined],
    ['http://LOCALHOST:8787', undefined],
    ['http://app.localhost:8787', undefined],
    ['http://127.1.2.3:8787', undefined],
    ['http://[::1]:8787', undefined],
    ['http://127.0.0.1:8787', 'http://localhost:5173'],
    ['http://127.0.0.1:8787', 'http://[::1]:3000'],
  ])('answers a request to %s from origin %s', async (origin, from) => {
    const response = await control('GET', '/_emulator/health', { origin, headers: from ? { Origin: from } : {} }).response;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it.each([
    ['http://example.com:8787', undefined, 'only requests addressed to a loopback host, not example.com'],
    ['http://127.0.0.1.example.com', undefined, 'only requests addressed to a loopback host, not 127.0.0.1.example.com'],
    ['http://localhost.example.com', undefined, 'only requests addressed to a loopback host, not localhost.example.com'],
    ['http://127.0.0.1:8787', 'http://evil.example', 'no other origin (http://evil.example)'],
    ['http://127.0.0.1:8787', 'null', 'no other origin (null)'],
  ])('refuses a request to %s from origin %s as plain text 403', async (origin, from, reason) => {
    const response = await control('GET', '/_emulator/health', { origin, headers: from ? { Origin: from } : {} }).response;
    expect(response.status).toBe(403);
    expect(response.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe(`Forbidden: the control API answers ${reason}`);
  });

  it('answers carry their type but no CORS headers, even to a loopback page', async () => {
    const response = await control('GET', '/_emulator/health', { headers: { Origin: 'http://localhost:5173' } }).response;
    expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });
});

describe('control API routes', () => {
  it('the log, with or without its entries, and clearing it', async () => {
    const { emulator, send } = control('GET', '/_emulator/health');
    await emulator.handler(new Request(`${ORIGIN}/v2/index.php?Action=InitUpload`));
    const full = (await (await send('GET', '/_emulator/log')).json()) as { entries?: unknown[] };
    expect(full.entries).toHaveLength(1);
    const short = (await (await send('GET', '/_emulator/log?entries=0')).json()) as Record<string, unknown>;
    expect(short).not.toHaveProperty('entries');
    expect(await (await send('POST', '/_emulator/log/clear')).json()).toEqual({ ok: true });
    expect(((await (await send('GET', '/_emulator/log')).json()) as { entries?: unknown[] }).entries).toEqual([]);
  });

  it('faults: POST one or a list, GET what is pending, DELETE clears', async () => {
    const { emulator, send } = control('GET', '/_emulator/health');
    expect(await (await send('POST', '/_emulator/faults', { body: JSON.stringify(rule) })).json()).toEqual({ ok: true, pending: 1 });
    expect(await (await send('POST', '/_emulator/faults', { body: JSON.stringify([rule, rule]) })).json()).toEqual({
      ok: true,
      pending: 3,
    });
    const pending = (await (await send('GET', '/_emulator/faults')).json()) as { rules: unknown[] };
    expect(pending.rules).toHaveLength(3);
    expect(await (await send('DELETE', '/_emulator/faults')).json()).toEqual({ ok: true });
    expect(emulator.faults.pending()).toHaveLength(0);
  });

  it('another method or path is a 404 naming it', async () => {
    const response = await control('PUT', '/_emulator/faults').response;
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('Not Found: the control API has no PUT /_emulator/faults');
  });
});

describe('control API fault bodies', () => {
  async function post(body: string) {
    const { emulator, response } = control('POST', '/_emulator/faults', { body });
    const answer = await response;
    return { status: answer.status, body: (await answer.json()) as { error?: string }, pending: emulator.faults.pending().length };
  }

  it('a body that is not JSON is a 400 saying so', async () => {
    expect(await post('{kind:')).toEqual({
      status: 400,
      body: { error: 'body is not JSON: expected a fault rule or an array of them' },
      pending: 0,
    });
  });

  it('a bad rule is a 400 naming its index and field, and none of the list is queued', async () => {
    const result = await post(JSON.stringify([rule, { ...rule, kind: 'explode' }]));
    expect(result.status).toBe(400);
    expect(result.body.error).toMatch(/^invalid fault rule at 1\.kind: ./);
    expect(result.pending).toBe(0);
  });

  it('at most 100 rules per request; 100 are taken', async () => {
    const over = await post(JSON.stringify(Array.from({ length: 101 }, () => rule)));
    expect(over).toEqual({ status: 400, body: { error: 'at most 100 rules per request' }, pending: 0 });
    expect((await post(JSON.stringify(Array.from({ length: 100 }, () => rule)))).pending).toBe(100);
  });

  it('a body over 128 KiB is a 413', async () => {
    const result = await post(JSON.stringify({ ...rule, message: 'x'.repeat(128 * 1024) }));
    expect(result.status).toBe(413);
    expect(result.body.error).toBe(`body larger than ${128 * 1024} bytes`);
  });
});
