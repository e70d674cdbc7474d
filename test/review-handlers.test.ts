/**
 * Regressions from review on the server-side pieces: the data-directory lock, the upload proxy
 * cancelling a refused chunked body, the signing handler answering (not throwing) when a body
 * breaks.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDiskStorage } from '../src/emulator/index.js';
import { DEV_CREDENTIALS } from '../src/emulator/index.js';
import { createSigningHandler, createUploadProxy } from '../src/proxy/index.js';
import { within } from './helpers/settle.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vod-review-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('emulator data directory lock', () => {
  it('a second emulator on the same directory is refused with a clear message; after close it opens', async () => {
    const data = join(dir, 'locked');
    const first = await openDiskStorage(data);
    await expect(openDiskStorage(data)).rejects.toThrow(/in use by another emulator \(pid \d+\)/);
    await first.close();
    const second = await openDiskStorage(data);
    await second.close();
  });

  it('a lock left by a process that no longer runs is taken over', async () => {
    const data = join(dir, 'stale');
    await (await openDiskStorage(data)).close();
    await writeFile(join(data, 'lock'), '2147483646'); // no such process
    const storage = await openDiskStorage(data);
    // Taken over for real: the directory is now locked by this process, not merely unlocked.
    await expect(openDiskStorage(data)).rejects.toThrow(new RegExp(`in use by another emulator \\(pid ${process.pid}\\)`));
    await storage.close();
    await (await openDiskStorage(data)).close();
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

describe('upload proxy', () => {
  it('cancels a chunked part body it refuses (authorize says no), instead of leaving the upload hanging', async () => {
    const proxy = createUploadProxy({ ...DEV_CREDENTIALS, upstream: 'http://127.0.0.1:1/v2/index.php', authorize: () => false });
    const { stream, state } = trackedBody();
    const query = new URLSearchParams({ Action: 'UploadPart', Region: 'gz', fileSha: 'a'.repeat(40), offset: '0', dataSize: '1048576', dataMd5: 'b'.repeat(32) });
    const request = new Request(`http://proxy.test/v2/index.php?${query}`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    const response = await proxy(request);
    expect(await response.json()).toMatchObject({ code: 4300, canRetry: 0 });
    // The body pulls forever: only a cancel ends it.
    await within(state.cancelled, 10_000, 'the refused body was never cancelled');
  });
});

describe('signing handler', () => {
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

describe('emulator control API', () => {
  it('answers tools (no Origin) but refuses web pages of other origins, with no CORS headers', async () => {
    const { createEmulator } = await import('../src/emulator/index.js');
    const emulator = createEmulator();
    const tool = await emulator.handler(new Request('http://127.0.0.1:8787/_emulator/log/clear', { method: 'POST' }));
    expect(tool.status).toBe(200);
    expect(tool.headers.get('access-control-allow-origin')).toBeNull();
    const page = await emulator.handler(
      new Request('http://127.0.0.1:8787/_emulator/faults', { method: 'POST', headers: { Origin: 'https://evil.example', 'Content-Type': 'text/plain' }, body: '{"kind":"hang"}' }),
    );
    expect(page.status).toBe(403);
    expect(emulator.faults.pending()).toEqual([]);
    const preflight = await emulator.handler(new Request('http://127.0.0.1:8787/_emulator/faults', { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } }));
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    await emulator.close();
  });
});
