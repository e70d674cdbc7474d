/**
 * startEmulator writes the emulator's own text answers straight to the socket (not through a web
 * Response's body stream): what arrives over HTTP must be what the web handler answers, byte for
 * byte, with every header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import { initParams, makeFile, md5Hex, signedUrl, type TestFile } from './helpers/emulator-client.js';

/** Set per connection or by the transport, not by the handler. */
const TRANSPORT_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

let emu: RunningEmulator;
let file: TestFile;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  file = makeFile(300_000);
});
afterAll(() => emu.close());

interface Seen {
  status: number;
  text: string;
  headers: Record<string, string>;
}

const seen = async (response: Response): Promise<Seen> => {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!TRANSPORT_HEADERS.has(name)) headers[name] = value;
  });
  return { status: response.status, text: await response.text(), headers };
};

/** The same request over HTTP and to the handler directly (each signed afresh: nonces are single-use). */
async function both(makeUrl: () => Promise<string>, init: () => RequestInit): Promise<{ http: Seen; handler: Seen; raw: Response }> {
  const raw = await fetch(await makeUrl(), init());
  const http = await seen(raw.clone());
  const handler = await seen(await emu.emulator.handler(new Request(await makeUrl(), init())));
  // The handler leaves Content-Length to the server: the server sets the text's length.
  expect(http.headers['content-length']).toBe(String(new TextEncoder().encode(http.text).length));
  delete http.headers['content-length'];
  delete handler.headers['content-length'];
  return { http, handler, raw };
}

describe('the Node server writes the text answers as the handler made them', () => {
  it('a protocol answer: status, JSON text and every header (CORS, content type, cache)', async () => {
    const { http, handler } = await both(
      () => signedUrl(emu.endpoint, 'InitUpload', initParams(file)),
      () => ({ method: 'POST', headers: { Origin: 'http://example.test', 'Access-Control-Request-Headers': 'x-one, x-two' } }),
    );
    expect(http.status).toBe(200);
    expect(JSON.parse(http.text).code).toBe(0);
    expect(http.headers['access-control-allow-origin']).toBe('*');
    expect(http.headers['access-control-allow-headers']).toBe('x-one, x-two');
    expect(http.headers['content-type']).toBe('application/json; charset=utf-8');
    // The second InitUpload (the handler's) resumes the session the first created: same headers, code 1.
    expect(JSON.parse(handler.text).code).toBe(1);
    expect(http.headers).toEqual(handler.headers);
  });

  it('a refused part body: the same error answer, and the connection is closed rather than drained', async () => {
    const other = makeFile(2000);
    const init = await fetch(await signedUrl(emu.endpoint, 'InitUpload', initParams(other)), { method: 'POST' });
    expect((await init.json()).code).toBe(0);
    const bytes = other.bytes.subarray(0, 1000);
    const params = { fileSha: other.fileSha, offset: 0, dataSize: 2000, dataMd5: md5Hex(bytes) };
    const { http, handler, raw } = await both(
      () => signedUrl(emu.endpoint, 'UploadPart', params),
      () => ({ method: 'POST', body: bytes.slice(), headers: { 'Content-Type': 'application/octet-stream' } }),
    );
    expect(http).toEqual(handler);
    expect(JSON.parse(http.text)).toMatchObject({ code: -10006, canRetry: 1 });
    expect(raw.headers.get('connection')).toBe('close');
  });

  it('plain-text HTTP errors (404, 405) with their headers', async () => {
    const notFound = await both(
      async () => `${emu.origin}/nothing/here`,
      () => ({ method: 'GET' }),
    );
    expect(notFound.http.status).toBe(404);
    expect(notFound.http).toEqual(notFound.handler);
    const notAllowed = await both(
      async () => emu.endpoint,
      () => ({ method: 'PUT', body: 'x' }),
    );
    expect(notAllowed.http.status).toBe(405);
    expect(notAllowed.http.headers.allow).toBe('GET, POST, OPTIONS');
    expect(notAllowed.http).toEqual(notAllowed.handler);
  });
});
