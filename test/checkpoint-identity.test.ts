/**
 * A checkpoint is never applied to another file (issue 9, bug 3): day1/clip.mp4 and day2/clip.mp4
 * have the same base name, size and mtime but different bytes. day1's upload is stopped during
 * FinishUpload (its checkpoint stays); day2 then uploads with the same checkpoint store and must
 * send day2's bytes. On disk the full path keeps the keys apart; without a path (a browser File)
 * the sampled part MD5s catch it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDirectoryCheckpointStore, openFile, upload } from '../src/adapters/node/index.js';
import { createMemoryCheckpointStore, sampledParts } from '../src/core/checkpoint.js';
import type { UploadHandle } from '../src/core/upload.js';
import { DEV_CREDENTIALS, sha1Of, startEmulator, type RunningEmulator } from './helpers/upload-stack.js';

const MiB = 1048576;
const SIZE = 5 * MiB + 77;
const MTIME = new Date('2026-01-02T03:04:05Z');
let emu: RunningEmulator;
let dir: string;
let day1: Buffer;
let day2: Buffer;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  dir = await mkdtemp(join(tmpdir(), 'vod-identity-'));
  day1 = randomBytes(SIZE);
  day2 = randomBytes(SIZE);
  for (const [day, bytes] of [
    ['day1', day1],
    ['day2', day2],
  ] as const) {
    await mkdir(join(dir, day));
    await writeFile(join(dir, day, 'clip.mp4'), bytes);
    await utimes(join(dir, day, 'clip.mp4'), MTIME, MTIME);
  }
});
afterAll(async () => {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => emu.emulator.faults.clear());

const options = { ...DEV_CREDENTIALS };

/** Stops `handle` once it reaches FinishUpload (which hangs at the emulator): its checkpoint stays. */
async function stopDuringFinish(handle: UploadHandle): Promise<void> {
  emu.emulator.faults.add({ action: 'FinishUpload', kind: 'hang', times: 1 });
  handle.on('progress', (progress) => {
    if (progress.phase === 'finishing') handle.abort();
  });
  await expect(handle.done).rejects.toMatchObject({ code: 'ABORTED' });
  emu.emulator.faults.clear();
}

async function served(url: string): Promise<Buffer> {
  return Buffer.from(await (await fetch(url)).arrayBuffer());
}

describe('day1/clip.mp4 then day2/clip.mp4 (same name, size and mtime)', () => {
  it('on disk: the key holds the full path, so day2 is hashed and sent, not taken for day1', async () => {
    const checkpoints = createDirectoryCheckpointStore(join(dir, 'checkpoints'));
    const connection = { ...options, endpoint: emu.endpoint, checkpoints };
    await stopDuringFinish(upload(await openFile(join(dir, 'day1', 'clip.mp4')), connection));
    const result = await upload(await openFile(join(dir, 'day2', 'clip.mp4')), connection).done;
    expect(result.sha1).toBe(sha1Of(day2));
    expect(result.kind).toBe('new');
    expect((await served(result.url)).equals(day2)).toBe(true);
  }, 30_000);

  it('without a path (browser Files): sampled part MD5s drop the checkpoint, and day2 is sent', async () => {
    const checkpoints = createMemoryCheckpointStore();
    const connection = { ...options, endpoint: emu.endpoint, checkpoints };
    const asFile = (bytes: Buffer): File => new File([new Uint8Array(bytes)], 'clip.mp4', { lastModified: MTIME.getTime() });
    // Fresh bytes: the emulator must not already hold either file from the test above.
    const first = randomBytes(SIZE);
    const second = randomBytes(SIZE);
    await stopDuringFinish(upload(asFile(first), connection));
    expect(checkpoints.size).toBe(1);
    const warnings: string[] = [];
    const handle = upload(asFile(second), connection);
    handle.on('warning', (warning) => warnings.push(warning.kind));
    const result = await handle.done;
    expect(warnings).toContain('mismatch');
    expect(result.sha1).toBe(sha1Of(second));
    expect((await served(result.url)).equals(second)).toBe(true);
  }, 30_000);

  it('the same file again still resumes from its checkpoint (the proof passes)', async () => {
    const checkpoints = createMemoryCheckpointStore();
    const connection = { ...options, endpoint: emu.endpoint, checkpoints };
    const bytes = randomBytes(SIZE);
    const file = new File([bytes], 'again.mp4', { lastModified: MTIME.getTime() });
    await stopDuringFinish(upload(file, connection));
    const result = await upload(file, connection).done;
    expect(result).toMatchObject({ hashEngine: 'checkpoint', hashedBytes: 0, sha1: sha1Of(bytes) });
  }, 30_000);
});

describe('sampledParts', () => {
  it('first, middle and last, without repeats', () => {
    expect(sampledParts(0)).toEqual([]);
    expect(sampledParts(1)).toEqual([0]);
    expect(sampledParts(2)).toEqual([0, 1]);
    expect(sampledParts(7)).toEqual([0, 3, 6]);
  });
});
