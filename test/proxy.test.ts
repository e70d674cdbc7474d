/**
 * The upload proxy over real HTTP on Node: the client (with the pass-through signer, no secret)
 * uploads through the proxy to the emulator, which verifies every file. Refusals come back in the
 * protocol's shape and nothing reaches the emulator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createMemoryCheckpointStore,
  createProxySigner,
  createVodClient,
  uploadWithClient as upload,
  VodError,
  type VodClient,
} from '../src/engine.js';
import { createUploadProxy, type UploadCall } from '../src/proxy/index.js';
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
import { settle, within } from './helpers/settle.js';

const MiB = 1048576;
let emu: RunningEmulator;
let proxy: ServedHandler;
const calls: UploadCall[] = [];
/** Every URL the client sent to the proxy. */
const sentUrls: string[] = [];

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  const handler = createUploadProxy({
    ...DEV_CREDENTIALS,
    upstream: emu.endpoint,
    limits: { maxFileSize: 8 * MiB, allowedTypes: ['mp4', 'MOV'] },
    authorize(request, call) {
      const user = request.headers.get('Authorization')?.replace(/^Bearer /, '');
      if (!user) throw new Error('no session');
      if (user === 'mallory') return 'user mallory may not upload';
      calls.push(call);
      return true;
    },
  });
  proxy = await serveHandler(handler);
});
afterAll(async () => {
  await proxy?.close();
  await emu?.close();
});
/** Parts an aborted client left behind may still be on their way through the proxy: let them land. */
async function drain(): Promise<void> {
  for (let i = 0; proxy.active > 0; i++) {
    if (i >= 500) throw new Error(`the proxy still forwards ${proxy.active} request(s) after 10 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await settle(emu);
}

beforeEach(async () => {
  await drain();
  emu.emulator.faults.clear();
  emu.emulator.log.clear();
  proxy.count = 0;
  calls.length = 0;
  sentUrls.length = 0;
});

/** A client for the proxy, as a browser would have: its signer signs nothing; the user token rides in a header. */
function proxyClient(user: string | undefined = 'alice'): VodClient {
  return createVodClient({
    endpoint: `${proxy.origin}/vod-upload`,
    signer: createProxySigner(),
    pacer: false,
    fetch: (input, init) => {
      const request = new Request(input, init);
      sentUrls.push(request.url);
      if (user) request.headers.set('Authorization', `Bearer ${user}`);
      return fetch(request);
    },
  });
}

async function expectServed(url: string, file: Blob): Promise<void> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(sha1Of(Buffer.from(await response.arrayBuffer()))).toBe(sha1Of(await bytesOf(file)));
}

describe('forwarding a full upload', () => {
  it('new, then instant: the emulator verifies the file; the page sent no SecretId or Signature', async () => {
    const file = randomFile(Math.round(2.5 * MiB));
    const result = await upload(file, { client: proxyClient(), hasher: countingHasher() }).done;
    expect(result).toMatchObject({ kind: 'new', partsSent: 3, size: file.size });
    expect(emu.emulator.log.count('UploadPart', 0)).toBe(3);
    expect(emu.emulator.log.count('FinishUpload', 0)).toBe(1);
    // Signed upstream with the proxy's key.
    expect(emu.emulator.log.entries().every((entry) => entry.secretId === DEV_CREDENTIALS.secretId)).toBe(true);
    expect(sentUrls.length).toBe(5);
    for (const url of sentUrls) expect(new URL(url).searchParams.has('SecretId') || new URL(url).searchParams.has('Signature')).toBe(false);
    expect(calls.map((call) => call.action)).toEqual(['InitUpload', 'UploadPart', 'UploadPart', 'UploadPart', 'FinishUpload']);
    expect(calls[0]).toMatchObject({
      action: 'InitUpload',
      params: { fileSize: file.size, fileType: 'mp4', fileSha: result.sha1 },
      region: 'gz',
    });
    await expectServed(result.url, file);

    emu.emulator.log.clear();
    const again = await upload(new File([file], 'again.mp4'), { client: proxyClient(), hasher: countingHasher() }).done;
    expect(again).toMatchObject({ kind: 'instant', instant: true, fileId: result.fileId, partsSent: 0 });
    expect(emu.emulator.log.count()).toBe(1);
  });

  it('resume: after an abort mid-way only the missing parts go through the proxy', async () => {
    const file = randomFile(5 * MiB + 77);
    const checkpoints = createMemoryCheckpointStore();
    emu.emulator.faults.add({ action: 'UploadPart', kind: 'delay', ms: 30, times: 100 });
    const first = upload(file, { client: proxyClient(), hasher: countingHasher(), checkpoints, concurrency: 1 });
    first.on('progress', (p) => {
      if (p.ackedBytes >= 2 * MiB) first.abort();
    });
    await expect(first.done).rejects.toMatchObject({ code: 'ABORTED' });
    // The aborted part may still be in a socket on its way to the proxy: wait until nothing moves.
    for (let i = 0, last = -1; i < 20 && last !== emu.emulator.log.count(); i++) {
      last = emu.emulator.log.count();
      await new Promise((r) => setTimeout(r, 150));
      await drain();
    }
    const held = emu.emulator.log.count('UploadPart', 0);
    expect(held).toBeGreaterThanOrEqual(2);
    expect(held).toBeLessThan(6);
    emu.emulator.faults.clear();
    emu.emulator.log.clear();

    const second = await upload(file, { client: proxyClient(), hasher: countingHasher(), checkpoints }).done;
    expect(second).toMatchObject({ kind: 'resumed', partsSkipped: held, partsSent: 6 - held });
    expect(emu.emulator.log.count('UploadPart', 0)).toBe(6 - held);
    await expectServed(second.url, file);
  });

  it('streams a part sent without Content-Length (chunked), and cuts one longer than dataSize', async () => {
    const file = randomFile(1000);
    const bytes = await bytesOf(file);
    const client = proxyClient();
    const { createHash } = await import('node:crypto');
    const fileSha = sha1Of(bytes);
    const dataMd5 = createHash('md5').update(bytes).digest('hex');
    await client.initUpload({ fileName: 'chunked', fileType: 'mp4', fileSha, fileSize: 1000, dataSize: MiB });
    const send = (body: Uint8Array) =>
      fetch(`${proxy.origin}/p?Action=UploadPart&Region=gz&fileSha=${fileSha}&offset=0&dataSize=1000&dataMd5=${dataMd5}`, {
        method: 'POST',
        headers: { Authorization: 'Bearer alice' },
        body: new ReadableStream({ start: (c) => (c.enqueue(body), c.close()) }),
        duplex: 'half',
      } as RequestInit).then(async (r) => ({ status: r.status, ...((await r.json()) as { code: number; canRetry: number }) }));
    // The caller's error, answered as the service answers a wrong body length: not a 502 "upstream unreachable".
    expect(await send(new Uint8Array([...bytes, 1, 2, 3]))).toMatchObject({ status: 200, code: -10006, canRetry: 1 });
    expect(await send(bytes)).toMatchObject({ code: 0 });
    expect((await client.finishUpload({ fileSha })).fileId).toMatch(/^[0-9]+$/);
  });

  it('answers a CORS preflight for a page on another origin', async () => {
    const response = await fetch(`${proxy.origin}/vod-upload`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://page.test',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,authorization',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type,authorization');
    expect(emu.emulator.log.count()).toBe(0);
  });
});

describe('refusals: protocol-shaped, nothing forwarded', () => {
  async function expectRefused(run: Promise<unknown>, code: number, message: RegExp): Promise<VodError> {
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VodError);
    expect(error).toMatchObject({ code, canRetry: false });
    expect((error as VodError).message).toMatch(message);
    expect(emu.emulator.log.count()).toBe(0);
    return error as VodError;
  }

  it('a caller without a session: 4100, tried once', async () => {
    await expectRefused(
      upload(randomFile(1000), { client: proxyClient(''), hasher: countingHasher() }).done,
      4100,
      /could not be authenticated/,
    );
    expect(proxy.count).toBe(1);
  });

  it("a caller the app refuses: 4300 with the app's reason", async () => {
    await expectRefused(
      upload(randomFile(1000), { client: proxyClient('mallory'), hasher: countingHasher() }).done,
      4300,
      /mallory may not upload/,
    );
  });

  it('a file over maxFileSize: 4300 naming the limit', async () => {
    await expectRefused(
      upload(randomFile(8 * MiB + 1), { client: proxyClient(), hasher: countingHasher() }).done,
      4300,
      /fileSize 8388609 exceeds .* 8388608 bytes/,
    );
  });

  it('a forbidden file type: 4300 naming the allowed ones', async () => {
    await expectRefused(
      upload(randomFile(1000, 'clip.avi'), { client: proxyClient(), hasher: countingHasher() }).done,
      4300,
      /fileType "avi" is not allowed here \(allowed: mp4, mov\)/,
    );
    // Types compare case-insensitively.
    emu.emulator.log.clear();
    const ok = await upload(randomFile(1000, 'clip.MP4'), { client: proxyClient(), hasher: countingHasher() }).done;
    expect(ok.kind).toBe('new');
  });

  it.each([
    ['an action that is not an upload action', 'Action=DescribeInstances&Region=gz', 6100, /not an upload action/],
    ['no Action', 'Region=gz&fileSha=x', -10001, /Action: missing/],
    ['no Region', `Action=FinishUpload&fileSha=${'a'.repeat(40)}`, -10001, /Region/],
    [
      'a bad protocol parameter',
      `Action=FinishUpload&Region=gz&fileSha=${'A'.repeat(40)}`,
      -10003,
      /FinishUpload fileSha: expected 40 lower-case hex/,
    ],
    [
      'a part whose body length is not dataSize',
      `Action=UploadPart&Region=gz&fileSha=${'a'.repeat(40)}&offset=0&dataSize=10&dataMd5=${'b'.repeat(32)}`,
      -10006,
      /body of 20 bytes, but dataSize is 10/,
    ],
    ['a parameter given twice', 'Action=FinishUpload&Action=FinishUpload&Region=gz', -10003, /given more than once/],
  ])('%s', async (_name, query, code, message) => {
    const response = await fetch(`${proxy.origin}/vod-upload?${query}`, {
      method: 'POST',
      headers: { Authorization: 'Bearer alice' },
      body: new Uint8Array(20),
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { code: number; message: string; codeDesc: string; canRetry: number };
    expect(answer.code).toBe(code);
    expect(answer.message).toMatch(message);
    expect(answer.codeDesc.length).toBeGreaterThan(0);
    expect(answer.canRetry).toBe(code === -10006 ? 1 : 0);
    expect(calls).toEqual([]);
    expect(emu.emulator.log.count()).toBe(0);
  });

  it('GET for UploadPart and PUT for anything are refused', async () => {
    const get = await fetch(`${proxy.origin}/x?Action=UploadPart&Region=gz`, { headers: { Authorization: 'Bearer alice' } });
    expect(((await get.json()) as { code: number }).code).toBe(4000);
    const put = await fetch(`${proxy.origin}/x?Action=InitUpload`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(((await put.json()) as { code: number }).code).toBe(4000);
    expect(emu.emulator.log.count()).toBe(0);
  });
});

describe('options', () => {
  it('bad options name the parameter', () => {
    const base = { ...DEV_CREDENTIALS, authorize: () => true };
    expect(() => createUploadProxy({ ...base, secretKey: '' })).toThrow(/Invalid secretKey/);
    expect(() => createUploadProxy({ ...base, upstream: 'nope' })).toThrow(/Invalid upstream/);
    expect(() => createUploadProxy({ ...base, limits: { maxFileSize: -1 } })).toThrow(/Invalid limits.maxFileSize/);
    expect(() => createUploadProxy({ ...base, cors: { credentials: true } })).toThrow(/Invalid cors.credentials/);
    expect(() => createUploadProxy({ ...DEV_CREDENTIALS } as never)).toThrow(/Invalid authorize/);
  });

  it('an unreachable upstream is a retryable 6000', async () => {
    const dead = await serveHandler(
      createUploadProxy({ ...DEV_CREDENTIALS, upstream: 'http://127.0.0.1:1/v2/index.php', authorize: () => true }),
    );
    try {
      const response = await fetch(`${dead.origin}/?Action=FinishUpload&Region=gz&fileSha=${'a'.repeat(40)}`, { method: 'POST' });
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ code: 6000, canRetry: 1 });
    } finally {
      await dead.close();
    }
  });
});

/** A body that counts pulls and records whether it was cancelled. */
function trackedBody(): { stream: ReadableStream<Uint8Array>; state: { pulled: number; cancelled: Promise<void> } } {
  let cancelled!: () => void;
  const state = { pulled: 0, cancelled: new Promise<void>((resolve) => (cancelled = resolve)) };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.pulled += 1;
      controller.enqueue(new Uint8Array(1024));
    },
    cancel() {
      cancelled();
    },
  });
  return { stream, state };
}

describe('upload proxy: a refused chunked body', () => {
  it('cancels a chunked part body it refuses (authorize says no), instead of leaving the upload hanging', async () => {
    const proxy = createUploadProxy({ ...DEV_CREDENTIALS, upstream: 'http://127.0.0.1:1/v2/index.php', authorize: () => false });
    const { stream, state } = trackedBody();
    const query = new URLSearchParams({
      Action: 'UploadPart',
      Region: 'gz',
      fileSha: 'a'.repeat(40),
      offset: '0',
      dataSize: '1048576',
      dataMd5: 'b'.repeat(32),
    });
    const request = new Request(`http://proxy.test/v2/index.php?${query}`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    const response = await proxy(request);
    expect(await response.json()).toMatchObject({ code: 4300, canRetry: 0 });
    // The body pulls forever: only a cancel ends it.
    await within(state.cancelled, 10_000, 'the refused body was never cancelled');
  });
});
