/**
 * The low-level client against a scripted HTTP server: what it sends (signed common parameters,
 * the body) and how it reads every kind of answer, hostile ones included.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVodClient, type VodClient } from '../src/client/index.js';
import { computeSignature, createSecretSigner, VodArgumentError, VodError } from '../src/protocol/index.js';
import { within } from './helpers/settle.js';

interface Seen {
  method: string;
  query: Record<string, string>;
  host: string;
  path: string;
  body: Buffer;
}

let server: Server;
let origin: string;
let seen: Seen[] = [];
let answer: (request: IncomingMessage) => { status?: number; type?: string; text: string } | 'hang' | 'reset' | 'stall-body' | 'huge-body';
/** For 'huge-body': what the server managed to write, and a promise settled when the client hung up. */
let huge = { written: 0, closed: Promise.resolve() };
const HUGE_BYTES = 128 * 1024 * 1024;

const credentials = { secretId: 'AKIDtest', secretKey: 'test-key' };
const sha = 'a'.repeat(40);
const md5 = 'b'.repeat(32);
const initParams = { fileName: 'clip', fileType: 'mp4', fileSha: sha, fileSize: 10, dataSize: 524288 as const };

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url!, 'http://placeholder');
      seen.push({
        method: request.method!,
        query: Object.fromEntries(url.searchParams),
        host: request.headers.host!,
        path: url.pathname,
        body: Buffer.concat(chunks),
      });
      const reply = answer(request);
      if (reply === 'hang') return;
      if (reply === 'reset') return void request.socket.destroy();
      if (reply === 'huge-body') {
        // 128 MiB of one JSON string, written only as fast as the client reads it.
        response.writeHead(200, { 'content-type': 'application/json' });
        huge.closed = new Promise((resolve) => response.once('close', resolve));
        const chunk = Buffer.alloc(65536, 'x');
        response.write('{"code":0,"message":"');
        const pump = (): void => {
          while (huge.written < HUGE_BYTES && !response.destroyed) {
            huge.written += chunk.length;
            if (!response.write(chunk)) return void response.once('drain', pump);
          }
          if (!response.destroyed) response.end('"}');
        };
        return pump();
      }
      if (reply === 'stall-body') {
        response.writeHead(200, { 'content-type': 'application/json' });
        return void response.write('{"code":');
      }
      response.writeHead(reply.status ?? 200, { 'content-type': reply.type ?? 'application/json' });
      response.end(reply.text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  seen = [];
  answer = () => ({ text: '{"code":0,"message":"","codeDesc":"","canRetry":0}' });
});

function client(extra: Partial<Parameters<typeof createVodClient>[0]> = {}): VodClient {
  return createVodClient({ endpoint: `${origin}/v2/index.php`, region: 'gz', signer: createSecretSigner(credentials), ...extra });
}

async function failure(promise: Promise<unknown>): Promise<VodError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VodError);
  return error as VodError;
}

describe('createVodClient', () => {
  it('sends a signed POST with every common parameter and a fresh Nonce per request', async () => {
    const c = client();
    await c.initUpload(initParams);
    await c.initUpload(initParams);
    expect(seen).toHaveLength(2);
    const [first, second] = seen as [Seen, Seen];
    expect(first.method).toBe('POST');
    expect(first.query).toMatchObject({
      Action: 'InitUpload',
      Region: 'gz',
      SecretId: 'AKIDtest',
      fileName: 'clip',
      fileSize: '10',
      dataSize: '524288',
    });
    expect(Number(first.query.Timestamp)).toBeCloseTo(Date.now() / 1000, -1);
    expect(first.query.Nonce).toMatch(/^[1-9][0-9]*$/);
    expect(first.query.Nonce).not.toBe(second.query.Nonce);
    const { Signature, ...signed } = first.query;
    expect(Signature).toBe(
      await computeSignature({ method: 'POST', host: first.host, path: first.path, params: signed }, credentials.secretKey),
    );
  });

  it('sends the part bytes as the body, and refuses a body of the wrong size before sending', async () => {
    const bytes = new Uint8Array(1000).map((_, i) => i % 251);
    await client().uploadPart({ fileSha: sha, offset: 0, dataSize: 1000, dataMd5: md5 }, new Blob([bytes]));
    expect(new Uint8Array(seen[0]!.body)).toEqual(bytes);
    const error = await failure(client().uploadPart({ fileSha: sha, offset: 0, dataSize: 1000, dataMd5: md5 }, bytes.subarray(1)));
    expect(error).toBeInstanceOf(VodArgumentError);
    expect((error as VodArgumentError).parameter).toBe('body');
    expect(seen).toHaveLength(1);
  });

  it('maps InitUpload codes 0, 1 (dataSize or dataLen) and 2', async () => {
    expect(await client().initUpload(initParams)).toEqual({ kind: 'new' });
    answer = () => ({
      text: JSON.stringify({
        code: 1,
        message: '',
        codeDesc: '',
        canRetry: 0,
        dataSize: 1048576,
        listParts: [
          { offset: 0, dataSize: 1048576, dataMd5: md5 },
          { offset: 1048576, dataLen: 7, dataMd5: md5 },
        ],
      }),
    });
    expect(await client().initUpload(initParams)).toEqual({
      kind: 'resume',
      dataSize: 1048576,
      listParts: [
        { offset: 0, dataSize: 1048576, dataMd5: md5 },
        { offset: 1048576, dataSize: 7, dataMd5: md5 },
      ],
    });
    answer = () => ({
      text: '{"code":2,"message":"","codeDesc":"","canRetry":0,"fileId":"5285890784246869","url":"http://x.example/f0.mp4"}',
    });
    expect(await client().initUpload(initParams)).toEqual({ kind: 'instant', fileId: '5285890784246869', url: 'http://x.example/f0.mp4' });
  });

  it('keeps a fileId exact when the server sends it as a bare number above 2^53', async () => {
    answer = () => ({
      text: '{"code":0,"message":"","codeDesc":"","canRetry":0,"fileId":16092504232103571364,"url":"http://x.example/f0.mp4"}',
    });
    const result = await client().finishUpload({ fileSha: sha });
    expect(result.fileId).toBe('16092504232103571364');
  });

  it('turns a protocol error into a VodError with code, canRetry, codeDesc and action', async () => {
    answer = () => ({ text: '{"code":-10006,"message":"md5 mismatch","codeDesc":"X","canRetry":1}' });
    const error = await failure(client().uploadPart({ fileSha: sha, offset: 0, dataSize: 3, dataMd5: md5 }, new Uint8Array(3)));
    expect(error).toMatchObject({ code: -10006, canRetry: true, action: 'UploadPart', codeDesc: 'X', status: 200 });
    expect(error.message).toMatch(/UploadPart.*-10006.*md5 mismatch/);
  });

  it('an HTML 502 page from a proxy is a retryable NOT_JSON error that shows what came back', async () => {
    answer = () => ({ status: 502, type: 'text/html', text: '<html><body>502 Bad Gateway</body></html>' });
    const error = await failure(client().initUpload(initParams));
    expect(error).toMatchObject({ code: 'NOT_JSON', canRetry: true, action: 'InitUpload', status: 502 });
    expect(error.message).toContain('502 Bad Gateway');
  });

  it('a 4xx non-JSON page is not retryable', async () => {
    answer = () => ({ status: 403, type: 'text/html', text: 'Forbidden' });
    expect(await failure(client().finishUpload({ fileSha: sha }))).toMatchObject({ code: 'NOT_JSON', canRetry: false, status: 403 });
  });

  it.each([
    ['code missing', '{"message":"hi"}'],
    ['instant without fileId', '{"code":2,"message":"","codeDesc":"","canRetry":0,"url":"http://x.example/a"}'],
    ['resume with a bad part size', '{"code":1,"message":"","codeDesc":"","canRetry":0,"dataSize":123,"listParts":[]}'],
    [
      'resume part without size',
      `{"code":1,"message":"","codeDesc":"","canRetry":0,"dataSize":524288,"listParts":[{"offset":0,"dataMd5":"${md5}"}]}`,
    ],
    ['fileId not decimal', '{"code":2,"message":"","codeDesc":"","canRetry":0,"fileId":"12ab","url":"http://x.example/a"}'],
    ['a JSON array', '[1,2,3]'],
    ['success code on an HTTP 500', '{"code":0,"message":"","codeDesc":"","canRetry":0}'],
  ])('a schema-breaking answer (%s) is a BAD_ANSWER error, never a success', async (name, text) => {
    answer = () => ({ status: name.includes('HTTP 500') ? 500 : 200, text });
    const error = await failure(client().initUpload(initParams));
    expect(error).toMatchObject({ code: 'BAD_ANSWER', canRetry: false, action: 'InitUpload' });
  });

  it('a connection reset is a retryable NETWORK error', async () => {
    answer = () => 'reset';
    expect(await failure(client().finishUpload({ fileSha: sha }))).toMatchObject({
      code: 'NETWORK',
      canRetry: true,
      action: 'FinishUpload',
    });
  });

  it('no answer within timeoutMs is a retryable TIMEOUT error', async () => {
    answer = () => 'hang';
    // The server never answers: without the deadline this would never settle.
    const error = await within(failure(client({ timeoutMs: 300 }).finishUpload({ fileSha: sha })), 15_000, 'timeoutMs never fired');
    expect(error).toMatchObject({ code: 'TIMEOUT', canRetry: true });
  });

  it('FinishUpload is bounded by the timeout alone: the service may assemble a big file for longer than a stall', async () => {
    answer = () => 'hang';
    const finish = await within(
      failure(client({ timeoutMs: 1200, stallTimeoutMs: 200 }).finishUpload({ fileSha: sha })),
      15_000,
      'timeoutMs never fired',
    );
    expect(finish).toMatchObject({ code: 'TIMEOUT', action: 'FinishUpload' });
    expect(finish.message).toContain('no answer within 1200 ms');
    // The same silence on InitUpload is a stall.
    const init = await within(
      failure(client({ timeoutMs: 1200, stallTimeoutMs: 200 }).initUpload(initParams)),
      15_000,
      'the stall watch never fired',
    );
    expect(init.message).toContain('stalled');
  });

  it('an answer whose body stalls after the headers is a TIMEOUT too (the deadline covers the body)', async () => {
    answer = () => 'stall-body';
    const error = await within(
      failure(client({ timeoutMs: 400 }).finishUpload({ fileSha: sha })),
      15_000,
      'the stalled body was awaited past timeoutMs',
    );
    expect(error).toMatchObject({ code: 'TIMEOUT', canRetry: true, action: 'FinishUpload' });
  });

  it('a misplaced credentials object never shows its secret in the error', () => {
    const credentials = { secretId: 'AKIDexample', secretKey: 'TOP-SECRET-KEY-123' };
    expect(() => createVodClient({ signer: credentials as never })).toThrow(/signer/);
    try {
      createVodClient({ signer: credentials as never });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('TOP-SECRET');
    }
  });

  it('an abort settles at once even after a garbage collection (no AbortSignal.any left to be collected)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    answer = () => 'hang';
    for (let i = 0; i < 5; i++) {
      const controller = new AbortController();
      const pending = client().uploadPart({ fileSha: sha, offset: 0, dataSize: 3, dataMd5: md5 }, new Blob([new Uint8Array(3)]), {
        signal: controller.signal,
      });
      await new Promise((r) => setTimeout(r, 30));
      gc();
      controller.abort();
      const outcome = await Promise.race([
        pending.then(
          () => 'resolved',
          (e: VodError) => e.code,
        ),
        new Promise((r) => setTimeout(() => r('stuck'), 2000)),
      ]);
      expect(outcome).toBe('ABORTED');
    }
  });

  it('an abort is an ABORTED error, not retryable; an already-aborted signal sends nothing', async () => {
    answer = () => 'hang';
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expect(await failure(client().finishUpload({ fileSha: sha }, { signal: controller.signal }))).toMatchObject({
      code: 'ABORTED',
      canRetry: false,
    });
    seen = [];
    await expect(client().finishUpload({ fileSha: sha }, { signal: AbortSignal.abort() })).rejects.toThrow();
    expect(seen).toHaveLength(0);
  });

  it('bad parameters are typed errors naming the parameter; nothing is sent', async () => {
    const cases: [Parameters<VodClient['initUpload']>[0], string][] = [
      [{ ...initParams, dataSize: 1000 as 524288 }, 'dataSize'],
      [{ ...initParams, fileSha: 'ABC' }, 'fileSha'],
      [{ ...initParams, fileName: 'a/b' }, 'fileName'],
      [{ ...initParams, fileName: 'é'.repeat(21) }, 'fileName'],
      [{ ...initParams, fileSize: 0 }, 'fileSize'],
    ];
    for (const [params, parameter] of cases) {
      const error = await failure(client().initUpload(params));
      expect(error).toBeInstanceOf(VodArgumentError);
      expect((error as VodArgumentError).parameter).toBe(parameter);
      expect(error.message).toContain(parameter);
    }
    expect(seen).toHaveLength(0);
    expect(() => createVodClient({ signer: createSecretSigner(credentials), endpoint: 'ftp://x' })).toThrow(/endpoint/);
  });

  it('refuses an oversized answer instead of reading it all', async () => {
    huge = { written: 0, closed: Promise.resolve() };
    answer = () => 'huge-body';
    const error = await failure(client().finishUpload({ fileSha: sha }));
    expect(error.message).toMatch(/limit/);
    // Final: a server that answers 16 MiB is not speaking this protocol, so asking again won't help.
    expect(error).toMatchObject({ code: 'BAD_ANSWER', canRetry: false });
    // The client hung up after the 16 MiB limit: the server, writing only as fast as it was read,
    // got rid of far less than the 128 MiB (socket buffers are a few MiB at most).
    await huge.closed;
    expect(huge.written).toBeGreaterThan(16 * 1024 * 1024);
    expect(huge.written).toBeLessThan(48 * 1024 * 1024);
  });

  it('presignParts signs ahead together; each set is used once, a second send signs anew', async () => {
    const inner = createSecretSigner(credentials);
    let signCalls = 0;
    const c = client({ signer: { sign: (input) => (signCalls++, inner.sign(input)) } });
    const parts = [0, 1, 2].map((i) => ({ fileSha: sha, offset: i * 3, dataSize: 3, dataMd5: md5 }));
    await c.presignParts!(parts);
    expect(signCalls).toBe(3);
    expect(seen).toHaveLength(0);
    for (const part of parts) await c.uploadPart(part, new Uint8Array(3));
    expect(signCalls).toBe(3);
    await c.uploadPart(parts[0]!, new Uint8Array(3));
    expect(signCalls).toBe(4);
    const nonces = seen.map((request) => request.query.Nonce);
    expect(new Set(nonces).size).toBe(4);
    // A presigned set is only for the exact parameters it was made for.
    await c.presignParts!([parts[1]!]);
    await c.uploadPart({ ...parts[1]!, dataMd5: 'c'.repeat(32) }, new Uint8Array(3));
    expect(signCalls).toBe(6);
  });
});
