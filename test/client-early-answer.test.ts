/**
 * Part requests whatever the server does with the body: answered before it is read, never read
 * and never answered (a stall), or cut off. Every request and every abort() settles within a
 * bound, and a file-backed Blob (fs.openAsBlob, what the Node entry uploads) is sent as well as
 * one in memory. Issue 9, bug 1.
 */
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVodClient } from '../src/client/index.js';
import { uploadFile, upload, openFile } from '../src/adapters/node/index.js';
import { createSecretSigner, VodError } from '../src/protocol/index.js';
import { DEV_CREDENTIALS, sha1Of, startEmulator, type RunningEmulator } from './helpers/upload-stack.js';

const md5 = 'b'.repeat(32);
const partParams = { fileSha: 'a'.repeat(40), offset: 0, dataSize: 1048576 as const, dataMd5: md5 };

let dir: string;
let emulator: RunningEmulator;
/** A server that answers every request at once, never reading its body (a gate refusal, a proxy's 413). */
let early: Server;
/** A server that reads nothing and answers nothing (a stall). */
let silent: Server;
let earlyEndpoint: string;
let silentEndpoint: string;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/index.php`;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vod-early-'));
  emulator = await startEmulator({ port: 0 });
  early = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"code":4500,"message":"replayed","codeDesc":"","canRetry":1}');
  });
  silent = createServer((request) => request.pause());
  earlyEndpoint = await listen(early);
  silentEndpoint = await listen(silent);
});

afterAll(async () => {
  for (const server of [early, silent]) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

/** A file of `size` random bytes on disk, and its bytes. */
async function diskFile(name: string, size: number): Promise<{ path: string; bytes: Buffer }> {
  const path = join(dir, name);
  const bytes = randomBytes(size);
  await writeFile(path, bytes);
  return { path, bytes };
}

/** How long `promise` takes to settle, in ms (resolved or rejected). */
async function settleTime(promise: Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const start = performance.now();
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { ms: performance.now() - start, error };
}

describe('a part answered before its body is read', () => {
  for (const streamPartBodies of [false, true]) {
    it(`settles at once with the answer, for a file-backed Blob (streamPartBodies ${streamPartBodies})`, async () => {
      const big = join(dir, `sparse-${streamPartBodies}.bin`);
      await writeFile(big, '');
      await truncate(big, 8 * 1048576);
      const part = (await openAsBlob(big)).slice(0, 1048576);
      const client = createVodClient({
        endpoint: earlyEndpoint,
        signer: createSecretSigner(DEV_CREDENTIALS),
        pacer: false,
        streamPartBodies,
        timeoutMs: 20_000,
      });
      const { ms, error } = await settleTime(client.uploadPart(partParams, part));
      expect(error).toBeInstanceOf(VodError);
      expect((error as VodError).code).toBe(4500);
      // Far below the 20 s deadline: the answer itself ended the request.
      expect(ms).toBeLessThan(5_000);
    });
  }

  it('uploadFile completes through refusals of parts before their bodies (the issue recipe)', async () => {
    const { path, bytes } = await diskFile('recipe.mp4', 8 * 1048576 + 123);
    await emulator.emulator.faults.add({ action: 'UploadPart', kind: 'answer', code: 4500, canRetry: 1, times: 2 });
    await emulator.emulator.faults.add({
      action: 'UploadPart',
      kind: 'http',
      status: 413,
      body: '<html>too large</html>',
      contentType: 'text/html',
      times: 1,
    });
    const result = await uploadFile(path, {
      endpoint: emulator.endpoint,
      ...DEV_CREDENTIALS,
      checkpoints: false,
      retry: { baseDelayMs: 5 },
      timeoutMs: 20_000,
    });
    expect(result.sha1).toBe(sha1Of(bytes));
    const served = Buffer.from(await (await fetch(result.url)).arrayBuffer());
    expect(served.equals(bytes)).toBe(true);
  }, 30_000);
});

describe('a part whose server neither reads nor answers', () => {
  it('is cancelled by the stall watch and retried, and the upload completes', async () => {
    const { path, bytes } = await diskFile('stall.mp4', 3 * 1048576);
    await emulator.emulator.faults.add({ action: 'UploadPart', kind: 'hang', times: 1 });
    const handle = upload(await openFile(path), {
      endpoint: emulator.endpoint,
      ...DEV_CREDENTIALS,
      checkpoints: false,
      retry: { baseDelayMs: 5 },
      timeoutMs: 60_000,
      stallTimeoutMs: 300,
    });
    const retries: string[] = [];
    handle.on('retry', (event) => retries.push((event.error as VodError).message));
    const result = await handle.done;
    expect(result.sha1).toBe(sha1Of(bytes));
    expect(retries.some((message) => message.includes('stalled'))).toBe(true);
  }, 30_000);

  it('with a streamed body, a peer that never reads or answers is cut off by the watch', async () => {
    const big = join(dir, 'stall-stream.bin');
    await writeFile(big, '');
    await truncate(big, 1048576);
    const body = await openAsBlob(big);
    const client = createVodClient({
      endpoint: silentEndpoint,
      signer: createSecretSigner(DEV_CREDENTIALS),
      pacer: false,
      streamPartBodies: true,
      stallTimeoutMs: 300,
      timeoutMs: 20_000,
    });
    const { ms, error } = await settleTime(client.uploadPart(partParams, body));
    expect((error as VodError).code).toBe('TIMEOUT');
    expect((error as VodError).message).toContain('stalled');
    expect(ms).toBeLessThan(5_000);
  });
});

describe('abort()', () => {
  it('settles an upload whose part hangs, within a bound', async () => {
    const { path } = await diskFile('abort.mp4', 4 * 1048576);
    await emulator.emulator.faults.add({ action: 'UploadPart', kind: 'hang', times: 4 });
    const handle = upload(await openFile(path), {
      endpoint: emulator.endpoint,
      ...DEV_CREDENTIALS,
      checkpoints: false,
      stallTimeoutMs: 0,
      timeoutMs: 60_000,
    });
    await new Promise<void>((resolve) => {
      const off = handle.on('progress', (progress) => {
        if (progress.phase === 'uploading' && progress.sentBytes > 0) {
          off();
          resolve();
        }
      });
    });
    const settled = settleTime(handle.done);
    handle.abort();
    const { ms, error } = await settled;
    expect((error as VodError).code).toBe('ABORTED');
    expect(ms).toBeLessThan(1_000);
  }, 30_000);
});
