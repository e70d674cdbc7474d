/**
 * Disk storage keeps a big finished file as the part files it was uploaded in (FinishUpload moves
 * them instead of copying every byte): the file is served whole and by range, survives a restart,
 * and a Finish killed before its commit point leaves no file that is served.
 */
import { mkdtemp, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskStorage } from '../src/emulator/disk-storage.js';
import { startEmulator } from '../src/emulator/index.js';
import { call, initParams, makeFile, partsOf, sendPart, sha1Hex, type TestFile } from './helpers/emulator-client.js';

const MiB = 1048576;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vod-emu-parts-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** An emulator on `dir` that keeps every finished file as parts (the size limit for copying is 0). */
const emulatorOnDir = async () => startEmulator({ port: 0, storage: await DiskStorage.open(dir, { copyAtFinishMax: 0 }) });

async function sendAllParts(endpoint: string, file: TestFile): Promise<void> {
  expect((await call(endpoint, 'InitUpload', initParams(file))).answer.code).toBe(0);
  for (const { offset, dataSize } of partsOf(file.fileSize, MiB)) {
    expect((await sendPart(endpoint, file, offset, dataSize)).answer.code).toBe(0);
  }
}

/** The bytes served at `url`, as hex of their SHA-1 and length (a deep compare of megabytes is slow). */
const servedAt = async (url: string, range?: string): Promise<string> => {
  const response = await fetch(url, range ? { headers: { Range: range } } : {});
  expect(response.status).toBe(range ? 206 : 200);
  return digestOf(new Uint8Array(await response.arrayBuffer()));
};
const digestOf = (bytes: Uint8Array): string => `${sha1Hex(bytes)}:${bytes.length}`;

describe('disk storage: a big file kept as its parts', () => {
  it('Finish moves the parts (no blob, no session left), and the file is served whole, by range and after a restart', async () => {
    const file = makeFile(3 * MiB + 777);
    const emu = await emulatorOnDir();
    let url: string;
    let fileId: string;
    try {
      await sendAllParts(emu.endpoint, file);
      const finished = await call(emu.endpoint, 'FinishUpload', { fileSha: file.fileSha });
      expect(finished.answer.code).toBe(0);
      fileId = finished.answer.fileId as string;
      url = finished.answer.url as string;
      const files = await readdir(join(dir, 'files'));
      expect(files.sort()).toEqual([`${fileId}.json`, `${fileId}.parts`]);
      expect(await readdir(join(dir, 'sessions'))).toEqual([]);
      expect(await servedAt(url)).toBe(digestOf(file.bytes));
      // Across part boundaries, and inside the short last part.
      expect(await servedAt(url, `bytes=${MiB - 10}-${2 * MiB + 9}`)).toBe(digestOf(file.bytes.slice(MiB - 10, 2 * MiB + 10)));
      expect(await servedAt(url, 'bytes=-500')).toBe(digestOf(file.bytes.slice(file.fileSize - 500)));
      expect((await call(emu.endpoint, 'InitUpload', initParams(file))).answer.code).toBe(2);
    } finally {
      await emu.close();
    }
    const again = await emulatorOnDir();
    try {
      const origin = new URL(again.endpoint).origin;
      expect(await servedAt(`${origin}${new URL(url).pathname}`)).toBe(digestOf(file.bytes));
      expect((await call(again.endpoint, 'InitUpload', initParams(file))).answer).toMatchObject({ code: 2, fileId });
    } finally {
      await again.close();
    }
  });

  it('killed after the record was written but before the parts moved: no file is served, and Finish still works', async () => {
    const file = makeFile(2 * MiB + 5);
    const emu = await emulatorOnDir();
    await sendAllParts(emu.endpoint, file);
    await emu.close();
    // What a kill between the two steps leaves: the record (with its part size), no parts directory.
    const orphan = '12345678901234567890';
    const record = { fileId: orphan, secretId: 'AKIDvodemulatordevsecretid00000000', fileSha: file.fileSha };
    await writeFile(
      join(dir, 'files', `${orphan}.json`),
      JSON.stringify({ ...record, fileName: 'clip', fileType: 'mp4', fileSize: file.fileSize, createdAt: 1, partSize: MiB }),
    );
    const storage = await DiskStorage.open(dir, { copyAtFinishMax: 0 });
    expect(await storage.getFileById(orphan)).toBeUndefined();
    expect(await storage.getFileBySha(record.secretId, file.fileSha)).toBeUndefined();
    // The orphan record is removed on the restart, not left in files/ for ever.
    expect(await readdir(join(dir, 'files'))).toEqual([]);
    const again = await startEmulator({ port: 0, storage });
    try {
      // The session and its parts are still there; after the restart the SHA-1 is read back from them.
      expect((await call(again.endpoint, 'InitUpload', initParams(file))).answer.code).toBe(1);
      const finished = await call(again.endpoint, 'FinishUpload', { fileSha: file.fileSha });
      expect(finished.answer.code).toBe(0);
      expect(await servedAt(finished.answer.url as string)).toBe(digestOf(file.bytes));
      const fileId = finished.answer.fileId as string;
      expect((await readdir(join(dir, 'files'))).sort()).toEqual([`${fileId}.json`, `${fileId}.parts`]);
    } finally {
      await again.close();
    }
  });

  it('a kept file with a damaged or missing part is not served or offered for instant upload after a restart', async () => {
    const file = makeFile(2 * MiB + 5);
    const emu = await emulatorOnDir();
    await sendAllParts(emu.endpoint, file);
    const finished = await call(emu.endpoint, 'FinishUpload', { fileSha: file.fileSha });
    await emu.close();
    const fileId = finished.answer.fileId as string;
    const part = join(dir, 'files', `${fileId}.parts`, `${MiB}.part`);
    await truncate(part, (await stat(part)).size - 1);
    const storage = await DiskStorage.open(dir, { copyAtFinishMax: 0 });
    expect(await storage.getFileById(fileId)).toBeUndefined();
    expect(await readdir(join(dir, 'files'))).toEqual([]);
    const again = await startEmulator({ port: 0, storage });
    try {
      expect((await call(again.endpoint, 'InitUpload', initParams(file))).answer.code).toBe(0);
    } finally {
      await again.close();
    }
  });

  it('a file up to the limit is still copied into one blob', async () => {
    const file = makeFile(MiB + 3);
    const emu = await startEmulator({ port: 0, storage: await DiskStorage.open(dir, { copyAtFinishMax: 2 * MiB }) });
    try {
      await sendAllParts(emu.endpoint, file);
      const finished = await call(emu.endpoint, 'FinishUpload', { fileSha: file.fileSha });
      expect(finished.answer.code).toBe(0);
      expect((await readdir(join(dir, 'files'))).sort()).toEqual([`${finished.answer.fileId}.bin`, `${finished.answer.fileId}.json`]);
      expect(await servedAt(finished.answer.url as string)).toBe(digestOf(file.bytes));
    } finally {
      await emu.close();
    }
  });
});
