/**
 * NodeFile reads parts through one file handle per upload run and reads later parts into the
 * buffers of acknowledged ones. Checked against the emulator over real HTTP: the handle is closed
 * when the run ends (done or aborted), and a buffer is never read into while its part is still
 * being sent (a part held back on the wire arrives with its own bytes, at the first attempt).
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NodeFile, upload } from '../src/adapters/node/index.js';
import type { CheckpointStore, PartDone } from '../src/core/index.js';
import { DEV_CREDENTIALS, startEmulator, type RunningEmulator } from '../src/emulator/index.js';

const MiB = 1 << 20;
const PARTS = 12;
const bytes = randomBytes(PARTS * MiB - 777);
const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');
const sha1 = createHash('sha1').update(bytes).digest('hex');
const partMd5s = Array.from({ length: PARTS }, (_, i) => md5(bytes.subarray(i * MiB, (i + 1) * MiB)));

let dir: string;
let path: string;
let emulator: RunningEmulator;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vod-file-reuse-'));
  path = join(dir, 'clip.mp4');
  await writeFile(path, bytes);
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => emulator?.close());

/** node:fs/promises, counting the handles opened and those still open. */
function countingFs(): { fs: typeof fs; opened: () => number; open: () => number } {
  let opened = 0;
  const live = new Set<fs.FileHandle>();
  const open = (async (...args: Parameters<typeof fs.open>) => {
    const handle = await fs.open(...args);
    opened += 1;
    live.add(handle);
    const close = handle.close.bind(handle);
    handle.close = () => (live.delete(handle), close());
    return handle;
  }) as typeof fs.open;
  return { fs: { ...fs, open }, opened: () => opened, open: () => live.size };
}

async function nodeFile(counting: ReturnType<typeof countingFs>): Promise<NodeFile> {
  const stats = await stat(path);
  return new NodeFile(counting.fs, path, 'clip.mp4', { size: stats.size, mtimeMs: stats.mtimeMs });
}

/** The hashes as a checkpoint, so the run only sends (hashing reads the file on its own). */
const knownHashes: CheckpointStore = {
  get: async () => ({ version: 1, sha1, partSize: MiB, partMd5s, size: bytes.length, createdAt: Date.now() }),
  set: async () => undefined,
  delete: async () => undefined,
};

describe('NodeFile in an upload', () => {
  it('reads every part through one handle, closed when the upload is done; parts reuse acknowledged buffers', async () => {
    emulator = await startEmulator({ port: 0 });
    const counting = countingFs();
    const file = await nodeFile(counting);
    const buffers = new Set<ArrayBufferLike>();
    const read = file.read.bind(file);
    file.read = async (start, end) => {
      const part = await read(start, end);
      buffers.add(part.buffer);
      return part;
    };
    const result = await upload(file, { endpoint: emulator.endpoint, ...DEV_CREDENTIALS, checkpoints: knownHashes, concurrency: 3 }).done;
    expect(result).toMatchObject({ kind: 'new', sha1, partsSent: PARTS });
    expect(counting.opened()).toBe(1);
    expect(counting.open()).toBe(0);
    // 12 parts, 3 in flight: a fresh buffer per part would be 12.
    expect(buffers.size).toBeLessThanOrEqual(6);
    expect(emulator.emulator.log.count('UploadPart', 0)).toBe(PARTS);
    expect(emulator.emulator.log.count('UploadPart')).toBe(PARTS);
  });

  it('a part held on the wire keeps its bytes while later parts are read: every part is accepted at its first attempt', async () => {
    emulator = await startEmulator({ port: 0 });
    const file = await nodeFile(countingFs());
    const acked: PartDone[] = [];
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    // The first part's request waits until 6 later parts were acknowledged (buffers recycled and
    // read into again) before it is sent: a buffer handed back too early would carry another part's bytes.
    const heldFetch: typeof fetch = async (input, init) => {
      const query = new URL(input instanceof Request ? input.url : String(input)).searchParams;
      if (query.get('Action') === 'UploadPart' && query.get('offset') === '0') await firstHeld;
      return fetch(input, init);
    };
    const handle = upload(file, {
      endpoint: emulator.endpoint,
      ...DEV_CREDENTIALS,
      checkpoints: knownHashes,
      concurrency: 3,
      fetch: heldFetch,
      timeoutMs: 60_000,
      stallTimeoutMs: 0,
    });
    handle.on('part', (part) => {
      acked.push(part);
      if (acked.length === 6) releaseFirst();
    });
    const result = await handle.done;
    expect(result).toMatchObject({ sha1, partsSent: PARTS });
    expect(acked.map((part) => part.attempt)).toEqual(Array(PARTS).fill(1));
    expect(emulator.emulator.log.count('UploadPart')).toBe(PARTS);
  });

  it('closes the handle when the upload is aborted mid-way', async () => {
    emulator = await startEmulator({ port: 0 });
    const counting = countingFs();
    const file = await nodeFile(counting);
    const controller = new AbortController();
    const handle = upload(file, {
      endpoint: emulator.endpoint,
      ...DEV_CREDENTIALS,
      checkpoints: knownHashes,
      concurrency: 2,
      signal: controller.signal,
    });
    handle.on('part', () => controller.abort(new Error('stop')));
    await expect(handle.done).rejects.toThrow();
    await emulator.emulator.log.settled();
    expect(counting.opened()).toBe(1);
    expect(counting.open()).toBe(0);
  });
});

describe('NodeFile.read and recycle', () => {
  it('reads into a recycled buffer only after recycle, with the right bytes; a foreign array is ignored', async () => {
    const counting = countingFs();
    const file = await nodeFile(counting);
    const first = await file.read(0, MiB);
    const second = await file.read(MiB, 2 * MiB);
    expect(second.buffer).not.toBe(first.buffer);
    file.recycle(first);
    file.recycle(first); // twice: taken once
    file.recycle(new Uint8Array(MiB)); // not read by this file: ignored
    const third = await file.read(2 * MiB, 3 * MiB);
    expect(third.buffer).toBe(first.buffer);
    expect(md5(third)).toBe(partMd5s[2]);
    const fourth = await file.read(3 * MiB, 4 * MiB);
    expect(fourth.buffer).not.toBe(first.buffer);
    // A short last part fits in a recycled buffer.
    file.recycle(fourth);
    const last = await file.read((PARTS - 1) * MiB, PARTS * MiB);
    expect(last.buffer).toBe(fourth.buffer);
    expect(last.byteLength).toBe(MiB - 777);
    expect(md5(last)).toBe(partMd5s[PARTS - 1]);
    expect(counting.opened()).toBe(1);
    await file.close();
    expect(counting.open()).toBe(0);
    // Reading after close opens the file again.
    expect(md5(await file.read(0, MiB))).toBe(partMd5s[0]);
    expect(counting.opened()).toBe(2);
    await file.close();
    expect(counting.open()).toBe(0);
  });

  it('close during reads closes the handle once they end, and they still return their bytes', async () => {
    const counting = countingFs();
    const file = await nodeFile(counting);
    const reads = [0, 1, 2].map((i) => file.read(i * MiB, (i + 1) * MiB));
    await file.close();
    expect(counting.open()).toBe(0);
    expect((await Promise.all(reads)).map(md5)).toEqual(partMd5s.slice(0, 3));
  });
});
