/**
 * Runtime matrix, Cloudflare Workers half: the shared scenario (new multi-part upload, instant
 * upload of the same bytes, abort mid-way then resume) in workerd through miniflare, uploading
 * R2 object streams and a request body to the emulator on 127.0.0.1, with checkpoints in KV.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { settle } from './helpers/settle.js';
import { DEV_CREDENTIALS, startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import type { UploadResult } from '../src/index.js';
import { startWorker, type RunningWorker } from './harness/workerd.js';

const MiB = 1048576;
let emu: RunningEmulator;
let worker: RunningWorker;
const sha1s = new Map<string, string>();

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  worker = await startWorker({
    entry: 'test/runtimes/workers/worker.ts',
    bindings: { ENDPOINT: emu.endpoint, SECRET_ID: DEV_CREDENTIALS.secretId, SECRET_KEY: DEV_CREDENTIALS.secretKey },
    r2Buckets: ['BUCKET'],
    kvNamespaces: ['CHECKPOINTS'],
  });
}, 60_000);
afterAll(async () => {
  await Promise.allSettled([worker?.close(), emu?.close()]);
});

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await worker.dispatchFetch(`http://worker.test${path}`, { method: 'POST', ...(init as object) });
  const body = (await response.json()) as T;
  if (response.status !== 200) throw new Error(`worker ${path}: ${JSON.stringify(body)}`);
  return body;
}

async function makeObject(key: string, size: number): Promise<void> {
  const { sha1 } = await call<{ sha1: string }>(`/make?key=${key}&size=${size}`);
  sha1s.set(key, sha1);
}

const drain = (): Promise<void> => settle(emu);

async function served(result: UploadResult, sha1: string | undefined): Promise<void> {
  const response = await fetch(result.url);
  const bytes = new Uint8Array(await response.arrayBuffer());
  expect(bytes.length).toBe(result.size);
  expect(createHash('sha1').update(bytes).digest('hex')).toBe(sha1);
}

describe('runtime: workerd (miniflare)', () => {
  beforeEach(async () => {
    emu.emulator.faults.clear();
    await drain();
    emu.emulator.log.clear();
  });

  it('has no Worker constructor and refuses WebAssembly compiled from bytes (so the adapter hashes inline with spark)', async () => {
    const probe = await call<{ wasm: string; hasWorker: string; navigator: string }>('/probe');
    expect(probe.navigator).toBe('Cloudflare-Workers');
    expect(probe.hasWorker).toBe('undefined');
    expect(probe.wasm).not.toBe('loads');
    console.log(`workerd: the wasm engine fails to load: ${probe.wasm}`);
  });

  it('new upload of a multi-part R2 object, read by range', async () => {
    await makeObject('a.mp4', Math.round(3.5 * MiB));
    const { result } = await call<{ result: UploadResult }>('/upload-object?key=a.mp4');
    expect(result).toMatchObject({ kind: 'new', partsSent: 4, size: Math.round(3.5 * MiB), sha1: sha1s.get('a.mp4'), hashEngine: 'spark' });
    expect(emu.emulator.log.count('UploadPart', 0)).toBe(4);
    expect(emu.emulator.log.count('FinishUpload', 0)).toBe(1);
    await served(result, sha1s.get('a.mp4'));
  });

  it('a buffered R2 object stream of the same bytes is an instant upload', async () => {
    const { result } = await call<{ result: UploadResult }>('/upload-object-buffered?key=a.mp4');
    expect(result).toMatchObject({ kind: 'instant', partsSent: 0, sha1: sha1s.get('a.mp4'), hashedBytes: Math.round(3.5 * MiB) });
    expect(emu.emulator.log.count('UploadPart')).toBe(0);
  });

  it('instant upload of the same bytes, sent as a request body stream: no part', async () => {
    const response = await fetch((await call<{ result: UploadResult }>('/upload-object?key=a.mp4&name=again.mp4')).result.url);
    emu.emulator.log.clear();
    const bytes = new Uint8Array(await response.arrayBuffer());
    const { result } = await call<{ result: UploadResult }>('/upload-body?name=copy.mp4', {
      body: bytes,
      headers: { 'Content-Length': String(bytes.length) },
    });
    expect(result).toMatchObject({ kind: 'instant', instant: true, partsSent: 0, sha1: sha1s.get('a.mp4') });
    expect(emu.emulator.log.count('UploadPart')).toBe(0);
    expect(emu.emulator.log.count('InitUpload', 2)).toBe(1);
  });

  it('abort mid-way then resume in a later request: only the missing parts, checkpoint from KV', async () => {
    const size = 6 * MiB + 777;
    await makeObject('b.mp4', size);
    // Parts 0-3 land; part 4 hangs at the emulator (never stored) until the abort cuts it, and
    // the abort comes once 4 parts are acknowledged. Counted once the emulator has settled, so no
    // part can land after the count (a delayed part used to, so the count was a range).
    emu.emulator.faults.add({ action: 'UploadPart', kind: 'hang', offset: 4 * MiB, times: 1 });
    const aborted = await call<{ error: string; ackedBytes: number }>('/abort-at?key=b.mp4&parts=4');
    expect(aborted.error).toBe('ABORTED');
    expect(aborted.ackedBytes).toBe(4 * MiB);
    await drain();
    const held = emu.emulator.log.count('UploadPart', 0);
    expect(held).toBe(4);
    emu.emulator.faults.clear();
    emu.emulator.log.clear();

    const { result } = await call<{ result: UploadResult }>('/upload-object?key=b.mp4');
    expect(result).toMatchObject({ kind: 'resumed', partsSkipped: held, partsSent: 7 - held, hashedBytes: 0, hashEngine: 'checkpoint' });
    expect(emu.emulator.log.count('UploadPart', 0)).toBe(7 - held);
    await served(result, sha1s.get('b.mp4'));
  });

  it('a stream above maxBytes fails with a typed error naming the source, before any request', async () => {
    await makeObject('big.mp4', 2 * MiB);
    const answer = await call<{ error: string; parameter: string; message: string }>('/too-large?key=big.mp4');
    expect(answer).toMatchObject({ error: 'VodArgumentError', parameter: 'source' });
    expect(answer.message).toContain('maxBytes (1048576)');
    expect(emu.emulator.log.count()).toBe(0);
  });
});
