/**
 * The emulator on Node's HTTP server (src/emulator/server.ts): what it answers on the wire, how it
 * cuts a connection when a fault asks, what a failed listen leaves behind, and that starting it
 * changes nothing global in the process that embeds it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../src/emulator/index.js';
import { call, initParams, makeFile, signedUrl } from './helpers/emulator-client.js';

/** Taken before any emulator of this file starts: a server that replaced them would have done so by the first test. */
const GLOBALS_AT_LOAD = { Request: globalThis.Request, Response: globalThis.Response, fetch: globalThis.fetch };

/** What a raw TCP client sees after sending `request`: the bytes, and how the connection ended. */
function rawExchange(port: number, request: string): Promise<{ received: string; ending: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve({ received, ending: error.code ?? error.message }));
    socket.on('close', () => resolve({ received, ending: 'closed' }));
    socket.setTimeout(20_000, () => {
      socket.destroy();
      resolve({ received, ending: 'timed out' });
    });
  });
}

describe('the Node server', () => {
  it('sends each protocol answer with its exact Content-Length, not chunked', async () => {
    const running = await startEmulator({ port: 0 });
    try {
      const { response, text } = await call(running.endpoint, 'InitUpload', initParams(makeFile(1000)));
      expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
      expect(response.headers.get('transfer-encoding')).toBeNull();
    } finally {
      await running.close();
    }
  });

  it("cuts the connection with a TCP reset when a 'reset' fault asks, before any answer", async () => {
    const running = await startEmulator({ port: 0 });
    try {
      running.emulator.faults.add({ action: 'InitUpload', kind: 'reset', when: 'before', times: 1 });
      const url = new URL(await signedUrl(running.endpoint, 'InitUpload', initParams(makeFile(1000)), { method: 'GET' }));
      const request = `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`;
      const { received, ending } = await rawExchange(Number(url.port), request);
      expect(received).toBe('');
      expect(ending).toBe('ECONNRESET');
    } finally {
      await running.close();
    }
  });

  it('leaves the global Request, Response and fetch as they were', async () => {
    const { Request, Response, fetch } = GLOBALS_AT_LOAD;
    const running = await startEmulator({ port: 0 });
    try {
      await call(running.endpoint, 'InitUpload', initParams(makeFile(1000)));
      // toBe, not toEqual: toEqual finds two classes without own properties equal.
      expect(globalThis.Request).toBe(Request);
      expect(globalThis.Response).toBe(Response);
      expect(globalThis.fetch).toBe(fetch);
    } finally {
      await running.close();
    }
  });

  it('a port in use rejects with the listen error, and releases the data directory it opened', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const data = await mkdtemp(join(tmpdir(), 'vod-listen-'));
    try {
      const port = (busy.address() as AddressInfo).port;
      await expect(startEmulator({ port, data })).rejects.toMatchObject({ code: 'EADDRINUSE' });
      const running = await startEmulator({ port: 0, data });
      await running.close();
    } finally {
      busy.close();
      await rm(data, { recursive: true, force: true });
    }
  });

  it.each([
    ['', /^http:\/\/127\.0\.0\.1:\d+$/],
    ['::1', /^http:\/\/\[::1\]:\d+$/],
  ])('listening on %j, it names %s as its origin, and answers there', async (host, origin) => {
    const running = await startEmulator({ port: 0, host });
    try {
      expect(running.origin).toMatch(origin);
      expect((await fetch(`${running.origin}/_emulator/health`)).status).toBe(200);
    } finally {
      await running.close();
    }
  });
});
