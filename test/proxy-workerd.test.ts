/**
 * The upload proxy in workerd (miniflare 3): the example Worker (examples/workers-proxy), bundled
 * as Wrangler would, forwards full uploads — new, instant, resume — to the emulator on 127.0.0.1,
 * which verifies every file. Fails (never skips) when workerd cannot start.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import {
  createMemoryCheckpointStore,
  createProxySigner,
  createVodClient,
  uploadWithClient as upload,
  VodError,
  type VodClient,
} from '../src/engine.js';
import { startWorker, REPO_ROOT, type RunningWorker } from './harness/workerd.js';
import {
  bytesOf,
  countingHasher,
  randomFile,
  sha1Of,
  startEmulator,
  DEV_CREDENTIALS,
  type RunningEmulator,
} from './helpers/upload-stack.js';
import { nodeImportsIn } from './helpers/node-imports.js';

const MiB = 1048576;
const TOKEN = 'workerd-test-token';
let emu: RunningEmulator;
let worker: RunningWorker;
let workerUrl: string;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  worker = await startWorker({
    entry: 'examples/workers-proxy/src/index.ts',
    // The example imports the published name; here it resolves to this repository's source.
    vite: { resolve: { alias: { 'vod-upload/proxy': resolve(REPO_ROOT, 'src/proxy/index.ts') } } },
    bindings: {
      VOD_SECRET_ID: DEV_CREDENTIALS.secretId,
      VOD_SECRET_KEY: DEV_CREDENTIALS.secretKey,
      VOD_UPSTREAM: emu.endpoint,
      UPLOAD_TOKEN: TOKEN,
    },
  });
  workerUrl = (await worker.mf.ready).href;
}, 60_000);
afterAll(async () => {
  await worker?.close();
  await emu?.close();
});
async function drain(): Promise<void> {
  for (let i = 0, last = -1; i < 20 && last !== emu.emulator.log.count(); i++) {
    last = emu.emulator.log.count();
    await new Promise((r) => setTimeout(r, 150));
    for (let j = 0; j < 100 && emu.emulator.log.partsInFlight > 0; j++) await new Promise((r) => setTimeout(r, 20));
  }
}
beforeEach(() => {
  emu.emulator.faults.clear();
  emu.emulator.log.clear();
});

function workerClient(token = TOKEN): VodClient {
  return createVodClient({
    endpoint: new URL('/vod-upload', workerUrl).href,
    signer: createProxySigner(),
    pacer: false,
    fetch: (input, init) => {
      const request = new Request(input, init);
      request.headers.set('Authorization', `Bearer ${token}`);
      return fetch(request);
    },
  });
}

async function expectServed(url: string, file: Blob): Promise<void> {
  const response = await fetch(url);
  expect(sha1Of(Buffer.from(await response.arrayBuffer()))).toBe(sha1Of(await bytesOf(file)));
}

describe('the example Worker in workerd', () => {
  it('bundles without node: imports', () => {
    expect(nodeImportsIn(worker.script)).toEqual([]);
  });

  it('forwards a new upload, then an instant one', async () => {
    const file = randomFile(Math.round(3.5 * MiB));
    const result = await upload(file, { client: workerClient(), hasher: countingHasher() }).done;
    expect(result).toMatchObject({ kind: 'new', partsSent: 4 });
    expect(emu.emulator.log.count('UploadPart', 0)).toBe(4);
    expect(emu.emulator.log.count('FinishUpload', 0)).toBe(1);
    await expectServed(result.url, file);

    emu.emulator.log.clear();
    const again = await upload(file, { client: workerClient(), hasher: countingHasher() }).done;
    expect(again).toMatchObject({ kind: 'instant', fileId: result.fileId, partsSent: 0 });
    expect(emu.emulator.log.count()).toBe(1);
  });

  it('forwards a resumed upload: only the missing parts', async () => {
    const file = randomFile(5 * MiB + 3);
    const checkpoints = createMemoryCheckpointStore();
    emu.emulator.faults.add({ action: 'UploadPart', kind: 'delay', ms: 30, times: 100 });
    const first = upload(file, { client: workerClient(), hasher: countingHasher(), checkpoints, concurrency: 1 });
    first.on('progress', (p) => {
      if (p.ackedBytes >= 2 * MiB) first.abort();
    });
    await expect(first.done).rejects.toMatchObject({ code: 'ABORTED' });
    await drain();
    const held = emu.emulator.log.count('UploadPart', 0);
    expect(held).toBeGreaterThanOrEqual(2);
    expect(held).toBeLessThan(6);
    emu.emulator.faults.clear();
    emu.emulator.log.clear();
    const second = await upload(file, { client: workerClient(), hasher: countingHasher(), checkpoints }).done;
    expect(second).toMatchObject({ kind: 'resumed', partsSkipped: held, partsSent: 6 - held });
    await expectServed(second.url, file);
  });

  it('refuses a wrong token and a forbidden type, forwarding nothing', async () => {
    const denied = await upload(randomFile(1000), { client: workerClient('wrong'), hasher: countingHasher() }).done.catch(
      (e: unknown) => e,
    );
    expect(denied).toBeInstanceOf(VodError);
    expect(denied).toMatchObject({ code: 4300, canRetry: false });
    const avi = await upload(randomFile(1000, 'clip.avi'), { client: workerClient(), hasher: countingHasher() }).done.catch(
      (e: unknown) => e,
    );
    expect(avi).toMatchObject({ code: 4300, message: expect.stringMatching(/fileType "avi" is not allowed/) });
    expect(emu.emulator.log.count()).toBe(0);
  });
});
