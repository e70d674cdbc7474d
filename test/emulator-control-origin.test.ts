/**
 * The control API under DNS rebinding (issue 9, bug 5): a page of rebind.example whose name now
 * points at 127.0.0.1 sends `Host: rebind.example` and `Origin: http://rebind.example`. Neither is
 * trusted: only loopback hosts and origins (or no Origin, as tools send) reach the API.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from './helpers/upload-stack.js';

let emu: RunningEmulator;
let port: number;
beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  port = Number(new URL(emu.origin).port);
});
afterAll(() => emu.close());

/** POSTs a fault rule over real HTTP with the given Host and Origin headers; resolves with the status. */
function postFault(headers: Record<string, string>): Promise<number> {
  const body = JSON.stringify({ action: 'UploadPart', kind: 'answer', code: 4500, canRetry: 1 });
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port, method: 'POST', path: '/_emulator/faults', headers: { 'Content-Type': 'application/json', ...headers } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('control API callers', () => {
  it('refuses DNS rebinding (Host and Origin rebind.example) and queues nothing', async () => {
    emu.emulator.faults.clear();
    expect(await postFault({ Host: `rebind.example:${port}`, Origin: `http://rebind.example:${port}` })).toBe(403);
    expect(await postFault({ Host: `rebind.example:${port}` })).toBe(403);
    expect(await postFault({ Host: `127.0.0.1:${port}`, Origin: 'http://evil.example' })).toBe(403);
    expect(emu.emulator.faults.pending()).toHaveLength(0);
  });

  it('answers tools (no Origin) and loopback pages', async () => {
    emu.emulator.faults.clear();
    expect(await postFault({ Host: `127.0.0.1:${port}` })).toBe(200);
    expect(await postFault({ Host: `localhost:${port}`, Origin: 'http://localhost:5173' })).toBe(200);
    expect(await postFault({ Host: `[::1]:${port}`, Origin: `http://127.0.0.1:${port}` })).toBe(200);
    expect(emu.emulator.faults.pending()).toHaveLength(3);
    emu.emulator.faults.clear();
  });
});

describe('control API in process: tools yes, other origins no', () => {
  it('answers tools (no Origin) but refuses web pages of other origins, with no CORS headers', async () => {
    const { createEmulator } = await import('../src/emulator/index.js');
    const emulator = createEmulator();
    const tool = await emulator.handler(new Request('http://127.0.0.1:8787/_emulator/log/clear', { method: 'POST' }));
    expect(tool.status).toBe(200);
    expect(tool.headers.get('access-control-allow-origin')).toBeNull();
    const page = await emulator.handler(
      new Request('http://127.0.0.1:8787/_emulator/faults', {
        method: 'POST',
        headers: { Origin: 'https://evil.example', 'Content-Type': 'text/plain' },
        body: '{"kind":"hang"}',
      }),
    );
    expect(page.status).toBe(403);
    expect(emulator.faults.pending()).toEqual([]);
    const preflight = await emulator.handler(
      new Request('http://127.0.0.1:8787/_emulator/faults', { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } }),
    );
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    await emulator.close();
  });
});
