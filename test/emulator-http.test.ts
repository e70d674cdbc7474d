/**
 * The emulator's HTTP surface beyond the protocol answers: serving files (Range, types, CORS),
 * input bounds (an oversized body is refused unread), the request log, faults and the control API.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, DEV_CREDENTIALS, startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import { call, initParams, makeFile, md5Hex, partsOf, sendPart, signedUrl, uploadWhole, type TestFile } from './helpers/emulator-client.js';
import { until, within } from './helpers/settle.js';

const MiB = 1048576;
let emu: RunningEmulator;
let endpoint: string;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  endpoint = emu.endpoint;
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.emulator.faults.clear();
  emu.emulator.log.clear();
});

describe('serving finished files', () => {
  let file: TestFile;
  let url: string;
  beforeAll(async () => {
    file = makeFile(300_000);
    url = (await uploadWhole(endpoint, file)).url!;
  });

  it('answers single ranges with 206 and the right slice', async () => {
    const size = file.fileSize;
    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 100],
      ['bytes=-100', size - 100, size],
      ['bytes=299000-', 299_000, size],
      ['bytes=299990-999999', 299_990, size],
    ];
    for (const [range, start, end] of cases) {
      const response = await fetch(url, { headers: { Range: range } });
      expect(response.status, range).toBe(206);
      expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end - 1}/${size}`);
      expect(response.headers.get('content-length')).toBe(String(end - start));
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(file.bytes.slice(start, end));
    }
  });

  it('answers 416 with Content-Range */size for ranges it cannot satisfy', async () => {
    for (const range of ['bytes=300000-', 'bytes=500-100', 'bytes=-0', 'bytes=abc', 'bytes=-']) {
      const response = await fetch(url, { headers: { Range: range } });
      expect(response.status, range).toBe(416);
      expect(response.headers.get('content-range')).toBe(`bytes */${file.fileSize}`);
      await response.arrayBuffer();
    }
    // Several ranges or another unit: the whole file, as RFC 9110 allows.
    const multi = await fetch(url, { headers: { Range: 'bytes=0-1,5-6' } });
    expect(multi.status).toBe(200);
    expect((await multi.arrayBuffer()).byteLength).toBe(file.fileSize);
  });

  it('HEAD gives the headers without a body; CORS on files; 404 for unknown ids or wrong extension', async () => {
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(file.fileSize));
    expect(head.headers.get('access-control-allow-origin')).toBe('*');
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    expect((await fetch(url.replace(/\/vod\/[0-9]+\//, '/vod/12345678901234567890/'))).status).toBe(404);
    expect((await fetch(url.replace('f0.mp4', 'f0.mov'))).status).toBe(404);
  });

  it('takes Content-Type from fileType', async () => {
    const types: [string, string][] = [
      ['mov', 'video/quicktime'],
      ['FLV', 'video/x-flv'],
      ['ts', 'video/mp2t'],
      ['webm', 'video/webm'],
      ['xyz', 'application/octet-stream'],
    ];
    for (const [fileType, contentType] of types) {
      const small = makeFile(64);
      await call(endpoint, 'InitUpload', initParams(small, MiB, { fileType }));
      await sendPart(endpoint, small, 0, 64);
      const finish = await call(endpoint, 'FinishUpload', { fileSha: small.fileSha });
      expect(finish.answer.url).toMatch(new RegExp(`/f0\\.${fileType}$`));
      const response = await fetch(finish.answer.url!);
      expect(response.headers.get('content-type')).toBe(contentType);
      await response.arrayBuffer();
    }
  });
});

describe('CORS and bounds', () => {
  it('answers a preflight for the API and puts CORS headers on protocol answers', async () => {
    const preflight = await fetch(endpoint, {
      method: 'OPTIONS',
      headers: { Origin: 'http://example.test', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
    const answered = await call(endpoint, 'InitUpload', initParams(makeFile(10)), { headers: { Origin: 'http://example.test' } });
    expect(answered.response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('refuses a body longer than dataSize without reading it all (64 MiB sent, 1 MiB declared)', async () => {
    const file = makeFile(2 * MiB);
    await call(endpoint, 'InitUpload', initParams(file));
    const url = await signedUrl(endpoint, 'UploadPart', {
      fileSha: file.fileSha,
      offset: 0,
      dataSize: MiB,
      dataMd5: md5Hex(file.bytes.subarray(0, MiB)),
    });
    const result = await streamBody(url, 64 * MiB);
    expect(JSON.parse(result.body)).toMatchObject({ code: -10006, canRetry: 1, message: `body is longer than dataSize ${MiB}` });
    // The answer came long before the 64 MiB could be sent, and the emulator read little more than 1 MiB.
    expect(result.written).toBeLessThan(16 * MiB);
    expect(emu.emulator.log.bytesReceived).toBeLessThan(MiB + 512 * 1024);
    // The part was not stored: the session still has no parts.
    expect((await call(endpoint, 'InitUpload', initParams(file))).answer).toMatchObject({ code: 1, listParts: [] });
  });

  it('refuses a Content-Length that differs from dataSize before reading a byte', async () => {
    const file = makeFile(1000);
    await call(endpoint, 'InitUpload', initParams(file));
    const url = await signedUrl(endpoint, 'UploadPart', { fileSha: file.fileSha, offset: 0, dataSize: 1000, dataMd5: md5Hex(file.bytes) });
    const result = await streamBody(url, 4 * MiB, 4 * MiB);
    expect(JSON.parse(result.body)).toMatchObject({ code: -10006, canRetry: 1 });
    expect(emu.emulator.log.bytesReceived).toBe(0);
  });

  it('refuses a part that does not fit its session, saying why, before reading a byte of it', async () => {
    const file = makeFile(2 * MiB + 10);
    await call(endpoint, 'InitUpload', initParams(file));
    const cases = [
      { offset: 10, dataSize: MiB, message: `offset: expected a multiple of ${MiB} below ${2 * MiB + 10}, got 10` },
      { offset: 3 * MiB, dataSize: 10, message: `offset: expected a multiple of ${MiB} below ${2 * MiB + 10}, got ${3 * MiB}` },
      { offset: 2 * MiB, dataSize: 9, message: `dataSize: expected 10 at offset ${2 * MiB}, got 9` },
      { offset: 0, dataSize: 10, message: `dataSize: expected ${MiB} at offset 0, got 10` },
    ];
    for (const { offset, dataSize, message } of cases) {
      const before = emu.emulator.log.bytesReceived;
      const sent = await call(
        endpoint,
        'UploadPart',
        { fileSha: file.fileSha, offset, dataSize, dataMd5: md5Hex(file.bytes.subarray(0, dataSize)) },
        { body: file.bytes.slice(0, dataSize) },
      );
      expect(sent.answer, message).toMatchObject({ code: -10003, canRetry: 0, message });
      expect(emu.emulator.log.bytesReceived - before).toBe(0);
    }
  });

  it('bounds the query: length, parameter count, duplicates, long values', async () => {
    const file = makeFile(10);
    const many: Record<string, string> = {};
    for (let i = 0; i < 70; i++) many[`x${i}`] = '1';
    expect((await call(endpoint, 'InitUpload', { ...initParams(file), ...many })).answer).toMatchObject({ code: -10001, canRetry: 0 });
    const long = await call(endpoint, 'InitUpload', {
      ...initParams(file),
      a: 'x'.repeat(2000),
      b: 'x'.repeat(2000),
      c: 'x'.repeat(2000),
      d: 'x'.repeat(2000),
      e: 'x'.repeat(2000),
    });
    expect(long.answer.code).toBe(-10001);
    const value = await call(endpoint, 'InitUpload', { ...initParams(file), note: 'x'.repeat(3000) });
    expect(value.answer).toMatchObject({ code: -10003 });
    expect(value.answer.message).toContain('note');
    const url = await signedUrl(endpoint, 'InitUpload', initParams(file));
    const twice = (await (await fetch(`${url}&fileSha=${file.fileSha}`, { method: 'POST' })).json()) as { code: number; message: string };
    expect(twice.code).toBe(-10003);
    expect(twice.message).toContain('fileSha');
    const twiceCommon = (await (await fetch(`${url}&Region=gz`, { method: 'POST' })).json()) as { code: number };
    expect(twiceCommon.code).toBe(-10001);
  });
});

describe('request log and faults', () => {
  it('counts actions and the most UploadParts in flight at once', async () => {
    const file = makeFile(4 * MiB);
    await call(endpoint, 'InitUpload', initParams(file));
    emu.emulator.faults.add({ action: 'UploadPart', kind: 'delay', ms: 300, times: 4 });
    const answers = await Promise.all(partsOf(file.fileSize, MiB).map((part) => sendPart(endpoint, file, part.offset, part.dataSize)));
    expect(answers.map((sent) => sent.answer.code)).toEqual([0, 0, 0, 0]);
    const log = emu.emulator.log;
    expect(log.maxPartsInFlight).toBe(4);
    expect(log.partsInFlight).toBe(0);
    expect(log.count('InitUpload')).toBe(1);
    expect(log.count('UploadPart')).toBe(4);
    expect(log.count('UploadPart', 0)).toBe(4);
    expect(log.bytesReceived).toBe(4 * MiB);
    const offsets = log
      .entries()
      .filter((entry) => entry.action === 'UploadPart')
      .map((entry) => entry.offset)
      .sort((a, b) => a! - b!);
    expect(offsets).toEqual([0, MiB, 2 * MiB, 3 * MiB]);
    expect(log.entries()[0]).toMatchObject({ action: 'InitUpload', fileSha: file.fileSha, code: 0 });
  });

  it('an answer fault for one offset applies `times` times, other offsets pass', async () => {
    const file = makeFile(2 * MiB);
    await call(endpoint, 'InitUpload', initParams(file));
    emu.emulator.faults.add({ action: 'UploadPart', offset: MiB, kind: 'answer', code: -10004, canRetry: 1, times: 2 });
    expect((await sendPart(endpoint, file, 0, MiB)).answer.code).toBe(0);
    expect((await sendPart(endpoint, file, MiB, MiB)).answer).toMatchObject({ code: -10004, canRetry: 1 });
    expect((await sendPart(endpoint, file, MiB, MiB)).answer.code).toBe(-10004);
    expect((await sendPart(endpoint, file, MiB, MiB)).answer.code).toBe(0);
    expect(emu.emulator.faults.pending()).toEqual([]);
  });

  it('an http fault sends a raw page (a proxy 502)', async () => {
    emu.emulator.faults.add({ kind: 'http', status: 502, body: '<html><body>Bad Gateway</body></html>' });
    const { status, text, response } = await call(endpoint, 'InitUpload', initParams(makeFile(10)));
    expect(status).toBe(502);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(text).toContain('Bad Gateway');
    expect(emu.emulator.log.entries().at(-1)).toMatchObject({ code: null, fault: 'http' });
  });

  it('a hang fault never answers: the client times out, the next request is answered', async () => {
    emu.emulator.faults.add({ action: 'FinishUpload', kind: 'hang' });
    const url = await signedUrl(endpoint, 'FinishUpload', { fileSha: makeFile(10).fileSha });
    const started = performance.now();
    await expect(fetch(url, { method: 'POST', signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect((await call(endpoint, 'FinishUpload', { fileSha: makeFile(10).fileSha })).answer.code).toBe(-10005);
  });

  it('numericFileId sends fileId as a bare JSON number with all its digits', async () => {
    const file = makeFile(100);
    emu.emulator.faults.add({ kind: 'numericFileId', times: 2 });
    const finish = await uploadWholeRaw(file);
    const digits = /"fileId":([0-9]+)[,}]/.exec(finish)?.[1];
    expect(digits).toMatch(/^[0-9]{20}$/);
    expect(String(JSON.parse(finish).fileId)).not.toBe(digits); // a plain JSON.parse loses digits
    const instant = await call(endpoint, 'InitUpload', initParams(file));
    expect(instant.text).toContain(`"fileId":${digits},`);
    const plain = await call(endpoint, 'InitUpload', initParams(file));
    expect(plain.answer.fileId).toBe(digits);
  });

  it('a dataSize fault makes a new session resume with another part size', async () => {
    emu.emulator.faults.add({ action: 'InitUpload', kind: 'dataSize', dataSize: 524288 });
    const file = makeFile(MiB);
    const init = await call(endpoint, 'InitUpload', initParams(file, MiB));
    expect(init.answer).toMatchObject({ code: 1, dataSize: 524288, listParts: [] });
    expect((await sendPart(endpoint, file, 0, MiB)).answer.code).toBe(-10003);
    expect((await uploadWhole(endpoint, file, 524288)).code).toBe(0);
  });
});

describe('the handler on its own', () => {
  it('answers web-standard Requests without a server, signed for the host they name; publicUrl sets file urls', async () => {
    const emulator = createEmulator({ publicUrl: 'https://media.example.test' });
    const file = makeFile(100);
    const send = async (url: string, body?: Uint8Array) => {
      const response = await emulator.handler(new Request(url, { method: 'POST', ...(body ? { body: body.slice() } : {}) }));
      return (await response.json()) as { code: number; url?: string };
    };
    const base = 'http://vod.example.test:9000/v2/index.php';
    expect((await send(await signedUrl(base, 'InitUpload', initParams(file)))).code).toBe(0);
    const part = { fileSha: file.fileSha, offset: 0, dataSize: 100, dataMd5: md5Hex(file.bytes) };
    expect((await send(await signedUrl(base, 'UploadPart', part), file.bytes)).code).toBe(0);
    const finish = await send(await signedUrl(base, 'FinishUpload', { fileSha: file.fileSha }));
    expect(finish.url).toMatch(/^https:\/\/media\.example\.test\/vod\/[0-9]{20}\/f0\.mp4$/);
    const path = new URL(finish.url!).pathname;
    const served = await emulator.handler(new Request(`http://vod.example.test:9000${path}`));
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(file.bytes);
    expect(emulator.credentials).toEqual([DEV_CREDENTIALS]);
    await emulator.close();
  });

  it('close() ends a hanging request and the server stops', async () => {
    const local = await startEmulator({ port: 0 });
    local.emulator.faults.add({ kind: 'hang' });
    const pending = fetch(await signedUrl(local.endpoint, 'InitUpload', initParams(makeFile(10))), { method: 'POST' }).then(
      (response) => response.status,
      () => 'failed',
    );
    await until(() => local.emulator.log.count('InitUpload') === 1, 'the hanging request never reached the emulator');
    expect(local.emulator.log.count('InitUpload')).toBe(1);
    // Without close() ending it the request would hang forever: the bound only separates the two.
    await within(local.close(), 10_000, 'close() waited for the hanging request');
    expect(await pending).toBe(503);
    await expect(fetch(local.endpoint)).rejects.toThrow();
  });

  it('close() cuts a connection whose request body never comes, after a short grace', async () => {
    const local = await startEmulator({ port: 0 });
    const { port } = new URL(local.origin);
    const socket = connect(Number(port), '127.0.0.1');
    const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    // A part that declares 100 bytes and sends 10: the emulator waits on the rest of the body.
    const file = makeFile(100);
    await call(local.endpoint, 'InitUpload', initParams(file));
    const url = new URL(
      await signedUrl(local.endpoint, 'UploadPart', { fileSha: file.fileSha, offset: 0, dataSize: 100, dataMd5: md5Hex(file.bytes) }),
    );
    socket.write(`POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Length: 100\r\n\r\n`);
    socket.write(file.bytes.subarray(0, 10));
    await until(() => local.emulator.log.partsInFlight === 1, 'the part never reached the emulator');
    await within(local.close(), 10_000, 'close() waited for a request whose body never came');
    await within(socketClosed, 10_000, 'the stalled connection was left open');
  });
});

describe('control API', () => {
  const control = (path: string, init?: RequestInit) => fetch(`${emu.origin}/_emulator/${path}`, init);

  it('injects faults, reads and clears the log over HTTP', async () => {
    expect(await (await control('health')).json()).toEqual({ ok: true });
    const added = await control('faults', {
      method: 'POST',
      body: JSON.stringify([
        { action: 'InitUpload', kind: 'answer', code: 6000, canRetry: 1 },
        { kind: 'delay', ms: 1 },
      ]),
    });
    expect(await added.json()).toEqual({ ok: true, pending: 2 });
    expect((await call(endpoint, 'InitUpload', initParams(makeFile(10)))).answer).toMatchObject({ code: 6000, canRetry: 1 });
    const summary = (await (await control('log')).json()) as {
      counts: Record<string, number>;
      maxPartsInFlight: number;
      entries: unknown[];
    };
    expect(summary.counts).toMatchObject({ InitUpload: 1, 'InitUpload:6000': 1 });
    expect(summary.maxPartsInFlight).toBe(0);
    expect(summary.entries).toHaveLength(1);
    expect(((await (await control('faults')).json()) as { rules: unknown[] }).rules).toHaveLength(1);
    expect((await control('faults', { method: 'DELETE' })).status).toBe(200);
    expect(emu.emulator.faults.pending()).toEqual([]);
    expect((await control('log/clear', { method: 'POST' })).status).toBe(200);
    expect(emu.emulator.log.count()).toBe(0);
  });

  it('refuses bad rules (naming the field), non-JSON and oversized bodies, unknown routes', async () => {
    const bad = await control('faults', { method: 'POST', body: JSON.stringify({ kind: 'delay', ms: -1 }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('ms');
    const partly = await control('faults', { method: 'POST', body: JSON.stringify([{ kind: 'hang' }, { kind: 'nope' }]) });
    expect(partly.status).toBe(400);
    expect(emu.emulator.faults.pending()).toEqual([]);
    expect((await control('faults', { method: 'POST', body: '<html>' })).status).toBe(400);
    expect((await control('faults', { method: 'POST', body: 'x'.repeat(200 * 1024) })).status).toBe(413);
    expect((await control('nothing')).status).toBe(404);
  });
});

/** Sends `total` bytes as a streaming POST body and stops as soon as an answer arrives. */
function streamBody(url: string, total: number, contentLength?: number): Promise<{ status: number; body: string; written: number }> {
  const chunk = new Uint8Array(65536);
  let written = 0;
  return new Promise((resolve, reject) => {
    let answered = false;
    const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
    if (contentLength !== undefined) headers['Content-Length'] = String(contentLength);
    const req = httpRequest(url, { method: 'POST', headers });
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => (body += text));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body, written });
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const pump = (): void => {
      while (!answered && written < total) {
        written += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

/** Init + the one part + Finish, returning Finish's raw text. */
async function uploadWholeRaw(file: TestFile): Promise<string> {
  await call(endpoint, 'InitUpload', initParams(file));
  await sendPart(endpoint, file, 0, file.fileSize);
  return (await call(endpoint, 'FinishUpload', { fileSha: file.fileSha })).text;
}
