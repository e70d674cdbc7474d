/**
 * What the disk storage leaves in its data directory (src/emulator/disk-storage.ts): a finished file
 * up to `copyAtFinishMax` bytes becomes one blob, a bigger one keeps its parts; on opening, only its
 * own leftovers are removed, never a file it did not write; and resume lists parts by offset,
 * whatever order they came in.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskStorage } from '../src/emulator/disk-storage.js';
import { startEmulator } from '../src/emulator/index.js';
import { call, initParams, makeFile, sendPart, sha1Hex, uploadWhole } from './helpers/emulator-client.js';

const MiB = 1048576;
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vod-emu-layout-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** An emulator on a fresh data directory whose blobs hold files up to `copyAtFinishMax` bytes. */
async function emulatorOn(name: string, copyAtFinishMax = 2 * MiB) {
  const data = join(root, name);
  const storage = await DiskStorage.open(data, { copyAtFinishMax });
  const emulator = await startEmulator({ port: 0, storage });
  return { data, emulator };
}

describe('disk layout of finished files', () => {
  it('a file of exactly copyAtFinishMax bytes is one blob; one byte more keeps its parts; both are served whole', async () => {
    const { data, emulator } = await emulatorOn('boundary');
    try {
      const atMax = makeFile(2 * MiB);
      const overMax = makeFile(2 * MiB + 1);
      const blob = await uploadWhole(emulator.endpoint, atMax);
      const parts = await uploadWhole(emulator.endpoint, overMax);
      const names = await readdir(join(data, 'files'));
      expect(names).toContain(`${blob.fileId}.bin`);
      expect(names).not.toContain(`${blob.fileId}.parts`);
      expect(names).toContain(`${parts.fileId}.parts`);
      expect(names).not.toContain(`${parts.fileId}.bin`);
      for (const [answer, file] of [
        [blob, atMax],
        [parts, overMax],
      ] as const) {
        const bytes = new Uint8Array(await (await fetch(answer.url!)).arrayBuffer());
        expect(sha1Hex(bytes)).toBe(file.fileSha);
      }
    } finally {
      await emulator.close();
    }
  });

  it('on opening, removes a record without its bytes but keeps files it did not write', async () => {
    const { data, emulator } = await emulatorOn('strays');
    await emulator.close();
    const files = join(data, 'files');
    const foreign = ['notes.txt', 'x123.json', '123.json.bak', '123.bin~'];
    for (const name of [...foreign, '123.json']) await writeFile(join(files, name), '{}');
    const reopened = await DiskStorage.open(data);
    try {
      expect((await readdir(files)).sort()).toEqual([...foreign].sort());
    } finally {
      await reopened.close();
    }
  });
});

describe('resume on disk', () => {
  it('InitUpload lists the parts held in offset order, though they arrived last first', async () => {
    const { emulator } = await emulatorOn('resume');
    try {
      const file = makeFile(3 * MiB);
      expect((await call(emulator.endpoint, 'InitUpload', initParams(file))).answer.code).toBe(0);
      for (const offset of [2 * MiB, 0, MiB]) expect((await sendPart(emulator.endpoint, file, offset, MiB)).answer.code).toBe(0);
      const resumed = await call(emulator.endpoint, 'InitUpload', initParams(file));
      expect(resumed.answer.code).toBe(1);
      expect(resumed.answer.listParts?.map((part) => part.offset)).toEqual([0, MiB, 2 * MiB]);
    } finally {
      await emulator.close();
    }
  });
});
