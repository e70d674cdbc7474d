/**
 * The signing endpoint and the remote signer over real HTTP: a full upload signed remotely (and
 * how many signing requests it cost), the refusals of the endpoint, and the signer's batching,
 * retries and errors.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createRemoteSigner,
  createSecretSigner,
  createVodClient,
  uploadWithClient as upload,
  VodError,
  type SignInput,
} from '../src/engine.js';
import { createSigningHandler, type SignCall } from '../src/proxy/index.js';
import {
  bytesOf,
  countingHasher,
  randomFile,
  sha1Of,
  startEmulator,
  DEV_CREDENTIALS,
  type RunningEmulator,
} from './helpers/upload-stack.js';
import { serveHandler, type ServedHandler } from './runtimes/proxy/serve.js';

const MiB = 1048576;
let emu: RunningEmulator;
let signing: ServedHandler;
let signedCalls: SignCall[][] = [];

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  signing = await serveHandler(
    createSigningHandler({
      ...DEV_CREDENTIALS,
      hosts: [new URL(emu.endpoint).host, 'vod2.qcloud.com', '127.0.0.1'],
      maxBatch: 16,
      limits: { maxFileSize: 64 * MiB, allowedTypes: ['mp4'] },
      authorize(request, calls) {
        const user = request.headers.get('Authorization');
        if (!user) throw new Error('no session');
        if (user === 'Bearer mallory') return false;
        signedCalls.push([...calls]);
        return true;
      },
    }),
  );
});
afterAll(async () => {
  await signing?.close();
  await emu?.close();
});
beforeEach(() => {
  emu.emulator.log.clear();
  signing.count = 0;
  signedCalls = [];
});

const signUrl = () => `${signing.origin}/api/vod-sign`;
const input = (params: Record<string, string> = {}): SignInput => ({
  method: 'POST',
  host: 'vod2.qcloud.com',
  path: '/v2/index.php',
  params: {
    Action: 'FinishUpload',
    Region: 'gz',
    Timestamp: String(Math.floor(Date.now() / 1000)),
    Nonce: '12345',
    fileSha: 'a'.repeat(40),
    ...params,
  },
});

async function post(
  body: unknown,
  headers: Record<string, string> = { Authorization: 'Bearer alice' },
): Promise<{ status: number; json: { error?: { code: string; message: string }; signatures?: Record<string, string>[] } }> {
  const response = await fetch(signUrl(), { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as never };
}

describe('a full upload signed remotely', () => {
  it.each([
    ['concurrency 4', 4, 16, MiB],
    ['concurrency 8', 8, 16, MiB],
    ['concurrency 4, 96 parts of 512 KiB', 4, 96, MiB / 2],
  ])('%s: the emulator verifies the file; signing requests per part are counted', async (_name, concurrency, parts, partSize) => {
    const signer = createRemoteSigner({ url: signUrl(), headers: () => ({ Authorization: 'Bearer alice' }) });
    const client = createVodClient({ endpoint: emu.endpoint, signer, pacer: false });
    const file = randomFile(parts * partSize - 1000);
    const result = await upload(file, { client, hasher: countingHasher(), concurrency, partSize: partSize as 524288 | 1048576 }).done;
    expect(result).toMatchObject({ kind: 'new', partsSent: parts });
    expect(emu.emulator.log.count('UploadPart', 0)).toBe(parts);
    const served = await fetch(result.url);
    expect(sha1Of(Buffer.from(await served.arrayBuffer()))).toBe(sha1Of(await bytesOf(file)));
    const signatures = parts + 2;
    expect(signer.stats.signed).toBe(signatures);
    expect(signing.count).toBe(signer.stats.requests);
    // Parts are signed ahead in batches: Init, Finish, and one request per 16 parts (this
    // endpoint's maxBatch, learnt from one 413 refusal when a batch of 32 was too large).
    expect(signer.stats.requests).toBeLessThanOrEqual(3 + Math.ceil(parts / 16));
    console.info(
      `[signing] ${parts} parts, concurrency ${concurrency}: ${signer.stats.batches} signing requests for ${signatures} signatures`,
    );
  });

  it('a caller the endpoint refuses gets a VodError and nothing reaches the service', async () => {
    for (const [headers, code] of [
      [{ Authorization: 'Bearer mallory' }, 4300],
      [{}, 4100],
    ] as const) {
      const signer = createRemoteSigner({ url: signUrl(), headers });
      const client = createVodClient({ endpoint: emu.endpoint, signer, pacer: false });
      const error = await upload(randomFile(1000), { client, hasher: countingHasher() }).done.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VodError);
      expect(error).toMatchObject({ code, canRetry: false, action: 'InitUpload', status: code === 4100 ? 401 : 403 });
      expect((error as Error).message).toMatch(/signing endpoint .* refused to sign \(HTTP 40[13] (UNAUTHORIZED|FORBIDDEN)/);
      expect(signer.stats.requests).toBe(1);
    }
    expect(emu.emulator.log.count()).toBe(0);
  });
});

describe('the signing endpoint', () => {
  it('signs exactly what a secret signer signs', async () => {
    const asked = [
      input(),
      input({ Action: 'InitUpload', fileName: 'clip', fileSha: 'b'.repeat(40), fileSize: '10', dataSize: '524288', fileType: 'mp4' }),
    ];
    const { status, json } = await post({ requests: asked });
    expect(status).toBe(200);
    const local = createSecretSigner(DEV_CREDENTIALS);
    expect(json.signatures).toEqual(await Promise.all(asked.map((one) => local.sign(one))));
    expect(signedCalls[0]!.map((call) => call.action)).toEqual(['FinishUpload', 'InitUpload']);
    expect(signedCalls[0]![1]).toMatchObject({ params: { fileSize: 10, dataSize: 524288 }, host: 'vod2.qcloud.com' });
  });

  it.each([
    [
      'an action that is not an upload action',
      { requests: [input({ Action: 'DescribeInstances' })] },
      400,
      'NOT_ALLOWED',
      /requests\[0\]: Action "DescribeInstances" is not an upload action/,
    ],
    [
      'a path that is not a protocol path',
      { requests: [{ ...input(), path: '/v2/other.php' }] },
      400,
      'NOT_ALLOWED',
      /requests\[0\]\.path: "\/v2\/other.php" is not a protocol path/,
    ],
    [
      'GET for UploadPart',
      { requests: [{ ...input({ Action: 'UploadPart', offset: '0', dataSize: '1', dataMd5: 'c'.repeat(32) }), method: 'GET' }] },
      400,
      'NOT_ALLOWED',
      /UploadPart takes POST/,
    ],
    [
      'a bad protocol parameter',
      { requests: [input(), input({ fileSha: 'XYZ' })] },
      400,
      'NOT_ALLOWED',
      /requests\[1\]: FinishUpload fileSha/,
    ],
    [
      'a file over the size limit',
      { requests: [input({ Action: 'InitUpload', fileName: 'a', fileSize: String(64 * MiB + 1), dataSize: '1048576', fileType: 'mp4' })] },
      403,
      'FORBIDDEN',
      /exceeds this deployment's limit/,
    ],
    [
      'a forbidden type',
      { requests: [input({ Action: 'InitUpload', fileName: 'a', fileSize: '5', dataSize: '1048576', fileType: 'exe' })] },
      403,
      'FORBIDDEN',
      /fileType "exe" is not allowed/,
    ],
    [
      'a Timestamp far from now',
      { requests: [input({ Timestamp: String(Math.floor(Date.now() / 1000) + 3600) })] },
      400,
      'BAD_REQUEST',
      /more than 300 s from the server's clock/,
    ],
    ['no Nonce', { requests: [input({ Nonce: '' })] }, 400, 'BAD_REQUEST', /Nonce/],
    [
      'a batch over maxBatch',
      { requests: Array.from({ length: 17 }, () => input()) },
      413,
      'BATCH_TOO_LARGE',
      /batch of 17 parameter sets exceeds this endpoint's limit of 16/,
    ],
    ['an empty batch', { requests: [] }, 400, 'BAD_REQUEST', /at least one/],
    ['not JSON', 'nope', 400, 'BAD_REQUEST', /not JSON/],
    [
      'a body over the byte limit',
      { requests: [input({ pad: 'x'.repeat(2000) })], more: 'y'.repeat(300 * 1024) },
      413,
      'BODY_TOO_LARGE',
      /exceeds 262144 bytes/,
    ],
  ])('refuses %s', async (_name, body, status, code, message) => {
    const answer = await post(body);
    expect(answer.status).toBe(status);
    expect(answer.json.error?.code).toBe(code);
    expect(answer.json.error?.message).toMatch(message);
    expect(answer.json.signatures).toBeUndefined();
    expect(signedCalls).toEqual([]);
  });

  it('refuses callers: 401 when authorize throws (its error stays private), 403 when it says no, 405 for GET', async () => {
    const anonymous = await post({ requests: [input()] }, {});
    expect(anonymous).toMatchObject({
      status: 401,
      json: { error: { code: 'UNAUTHORIZED', message: 'the caller could not be authenticated' } },
    });
    expect(await post({ requests: [input()] }, { Authorization: 'Bearer mallory' })).toMatchObject({
      status: 403,
      json: { error: { code: 'FORBIDDEN' } },
    });
    const get = await fetch(signUrl());
    expect(get.status).toBe(405);
  });
});

describe('the remote signer', () => {
  it('coalesces calls made together into one request, split at maxBatch', async () => {
    const signer = createRemoteSigner({ url: signUrl(), headers: { Authorization: 'Bearer alice' }, maxBatch: 16 });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => signer.sign(input({ Nonce: String(i + 1) }))));
    expect(results.map((params) => params.Nonce)).toEqual(Array.from({ length: 40 }, (_, i) => String(i + 1)));
    expect(results.every((params) => params.SecretId === DEV_CREDENTIALS.secretId && params.Signature!.length > 0)).toBe(true);
    expect(signer.stats).toEqual({ signed: 40, batches: 3, requests: 3 });
    // Concurrent batches may reach the endpoint in any order.
    expect(signedCalls.map((batch) => batch.length).sort((a, b) => b - a)).toEqual([16, 16, 8]);
  });

  it('windowMs gathers calls spread over a few ms', async () => {
    // The window's clock is faked, so "10 ms later" is exact however loaded the machine is.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let pending: Promise<unknown>[];
    try {
      const signer = createRemoteSigner({ url: signUrl(), headers: { Authorization: 'Bearer alice' }, windowMs: 50 });
      pending = [signer.sign(input({ Nonce: '1' }))];
      await vi.advanceTimersByTimeAsync(10);
      pending.push(signer.sign(input({ Nonce: '2' })));
      await vi.advanceTimersByTimeAsync(39);
      expect(signer.stats.requests).toBe(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(signer.stats.requests).toBe(1);
    } finally {
      vi.useRealTimers();
    }
    await Promise.all(pending);
    expect(signedCalls.map((batch) => batch.length)).toEqual([2]);
  });

  it('retries 5xx and network failures, then succeeds', async () => {
    let failures = 2;
    const signer = createRemoteSigner({
      url: signUrl(),
      headers: { Authorization: 'Bearer alice' },
      retry: { baseDelayMs: 1 },
      fetch: async (url, init) =>
        failures-- > 0
          ? failures === 1
            ? new Response('<html>busy</html>', { status: 503 })
            : Promise.reject(new TypeError('fetch failed'))
          : fetch(url, init),
    });
    const params = await signer.sign(input());
    expect(params.Signature).toBeTruthy();
    expect(signer.stats).toEqual({ signed: 1, batches: 1, requests: 3 });
  });

  it('gives up after its retries with a retryable VodError naming the endpoint', async () => {
    const signer = createRemoteSigner({ url: 'http://127.0.0.1:1/sign', retry: { retries: 1, baseDelayMs: 1 } });
    const error = await signer.sign(input()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NETWORK', canRetry: true, action: 'FinishUpload' });
    expect((error as Error).message).toMatch(/signing endpoint http:\/\/127.0.0.1:1\/sign: network failure/);
    expect(signer.stats.requests).toBe(2);
  });

  it('an answer over its byte limit is final: asked once, not retried', async () => {
    const signer = createRemoteSigner({
      url: signUrl(),
      retry: { baseDelayMs: 1 },
      fetch: async () => new Response('x'.repeat(5 * 1024 * 1024), { status: 200 }),
    });
    const error = await signer.sign(input()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_ANSWER', canRetry: false });
    expect((error as Error).message).toMatch(/limit/);
    expect(signer.stats.requests).toBe(1);
  });

  it('refuses an answer that does not match what it asked (count, changed params, missing Signature)', async () => {
    const answers = [
      { signatures: [] },
      { signatures: [{ ...input().params, fileSha: 'f'.repeat(40), SecretId: 'x', Signature: 'y' }] },
      { signatures: [{ ...input().params, SecretId: 'x' }] },
    ];
    for (const answer of answers) {
      const signer = createRemoteSigner({ url: signUrl(), fetch: async () => Response.json(answer) });
      const error = await signer.sign(input()).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'BAD_ANSWER', canRetry: false });
      expect(signer.stats.requests).toBe(1);
    }
  });

  it('bad options name the parameter', () => {
    expect(() => createRemoteSigner({ url: '' })).toThrow(/Invalid url/);
    expect(() => createRemoteSigner({ url: '/s', maxBatch: 0 })).toThrow(/Invalid maxBatch/);
    expect(() => createRemoteSigner({ url: '/s', windowMs: -1 })).toThrow(/Invalid windowMs/);
    expect(() => createSigningHandler({ ...DEV_CREDENTIALS, authorize: () => true, maxBatch: 5000 })).toThrow(/Invalid maxBatch/);
  });
});

describe('the remote signer adapts to the endpoint', () => {
  it('a batch over the endpoint maxBatch is split to its limit and every call is signed', async () => {
    const signer = createRemoteSigner({ url: signUrl(), headers: { Authorization: 'Bearer alice' }, maxBatch: 64 });
    const calls = Array.from({ length: 40 }, (_, i) =>
      signer.sign({
        method: 'POST',
        host: '127.0.0.1',
        path: '/v2/index.php',
        params: {
          Action: 'FinishUpload',
          Region: 'gz',
          Timestamp: String(Math.floor(Date.now() / 1000)),
          Nonce: String(1000 + i),
          fileSha: 'a'.repeat(40),
        },
      }),
    );
    const signed = await Promise.all(calls);
    expect(signed.every((params) => typeof params.Signature === 'string' && params.Signature.length > 0)).toBe(true);
    // One refused request of 40, then 16 + 16 + 8.
    expect(signer.stats.requests).toBe(4);
  });
});

describe('signing handler: a broken request body', () => {
  it('a body that breaks mid-way is answered 400 in its error shape, never thrown', async () => {
    const sign = createSigningHandler({ ...DEV_CREDENTIALS, authorize: () => true });
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('client went away'));
      },
    });
    const response = await sign(new Request('http://sign.test/api/sign', { method: 'POST', body, duplex: 'half' } as RequestInit));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });
});
