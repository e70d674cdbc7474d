/**
 * What the disk storage trusts when it opens a data directory again, and what it does when a file
 * changes under it (src/emulator/disk-storage.ts, disk-parts-file.ts, disk-records.ts): a record
 * or part counts only under its own name and when its bytes agree with it; what cannot be trusted
 * is never served, and a failed write or open leaves nothing behind.
 */
import { mkdir, mkdtemp, readdir, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskStorage } from '../src/emulator/disk-storage.js';
import type { FileRecord, PartRecord, SessionRecord } from '../src/emulator/storage.js';

const PART = 524288;
const MD5 = 'c'.repeat(32);
const encoder = new TextEncoder();
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vod-reopen-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const shaOf = (digit: number): string => String(digit).repeat(40);
const session = (fileSize: number, fileSha = shaOf(1)): SessionRecord => ({
  secretId: 'AKIDone',
  fileSha,
  fileName: 'clip',
  fileType: 'mp4',
  fileSize,
  dataSize: PART,
  createdAt: 1,
});
const record = (fileId: string, fileSize: number, fileSha = shaOf(1)): FileRecord => ({
  ...session(fileSize, fileSha),
  fileId,
  createdAt: 2,
});
/** The offsets and sizes of a file's parts. */
const partsOf = (fileSize: number): PartRecord[] =>
  Array.from({ length: Math.ceil(fileSize / PART) }, (_, index) => ({
    offset: index * PART,
    dataSize: Math.min(PART, fileSize - index * PART),
    dataMd5: MD5,
  }));
/** A part file as the storage writes it: a JSON header line, then the bytes. */
const partFile = (part: PartRecord, fill = 7): Uint8Array =>
  Buffer.concat([encoder.encode(`${JSON.stringify(part)}\n`), new Uint8Array(part.dataSize).fill(fill)]);

/** Puts a session and all its parts (each byte 7). */
async function putSessionWithParts(storage: DiskStorage, fileSize: number, fileSha = shaOf(1)): Promise<void> {
  await storage.putSession(session(fileSize, fileSha));
  for (const part of partsOf(fileSize)) await storage.putPart('AKIDone', fileSha, part, [new Uint8Array(part.dataSize).fill(7)]);
}
/** Finishes a file through a FileWriter: one blob `files/<fileId>.bin`. */
async function finishAsBlob(storage: DiskStorage, fileId: string, fileSize: number, fileSha = shaOf(1)): Promise<void> {
  const writer = await storage.createFileWriter();
  await writer.write(new Uint8Array(fileSize).fill(7));
  await writer.commit(record(fileId, fileSize, fileSha));
}
/** Finishes a file from its parts, kept as parts (`copyAtFinishMax` 0): `files/<fileId>.parts/`. */
async function finishAsParts(storage: DiskStorage, fileId: string, fileSize: number, fileSha = shaOf(1)): Promise<void> {
  await putSessionWithParts(storage, fileSize, fileSha);
  await storage.finishFromParts(record(fileId, fileSize, fileSha), session(fileSize, fileSha));
}
async function readAll(stream: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stream.getReader();
  let length = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) length += read.value.length;
  return length;
}
const sessionDir = async (): Promise<string> => join(dir, 'sessions', (await readdir(join(dir, 'sessions')))[0]!);

describe('disk storage reopened: sessions', () => {
  it('counts a part only from `<offset>.part` whose header names that offset and fits the session', async () => {
    const size = 4 * PART + 1000;
    const first = await DiskStorage.open(dir);
    await putSessionWithParts(first, size);
    await first.close();
    const parts = await sessionDir();
    await rename(join(parts, '0.part'), join(parts, 'copy-0.part'));
    await rename(join(parts, `${PART}.part`), join(parts, `${PART}.part.old`));
    await writeFile(join(parts, `${2 * PART}.part`), partFile({ offset: 0, dataSize: PART, dataMd5: MD5 }));
    await writeFile(join(parts, `${3 * PART}.part`), partFile({ offset: 3 * PART, dataSize: 999, dataMd5: MD5 }));
    await writeFile(join(parts, 'notes.txt'), 'not a part');

    const reopened = await DiskStorage.open(dir);
    expect((await reopened.listParts('AKIDone', shaOf(1))).map((part) => part.offset)).toEqual([4 * PART]);
    await reopened.close();
  });

  it('ignores a session directory that is not named after its session', async () => {
    const first = await DiskStorage.open(dir);
    await putSessionWithParts(first, 1000);
    await first.close();
    await rename(await sessionDir(), join(dir, 'sessions', `${shaOf(1)}-0000000000000000`));
    const reopened = await DiskStorage.open(dir);
    expect(await reopened.getSession('AKIDone', shaOf(1))).toBeUndefined();
    await reopened.close();
  });

  it('a new session starts from an empty directory: parts left beside a session.json it could not read never come back', async () => {
    const first = await DiskStorage.open(dir);
    await putSessionWithParts(first, 2 * PART);
    await first.close();
    await writeFile(join(await sessionDir(), 'session.json'), '{"broken": ');

    const second = await DiskStorage.open(dir);
    expect(await second.getSession('AKIDone', shaOf(1))).toBeUndefined();
    await second.putSession(session(2 * PART));
    await second.close();
    const third = await DiskStorage.open(dir);
    expect(await third.listParts('AKIDone', shaOf(1))).toEqual([]);
    await third.close();
  });
});

describe('disk storage reopened: finished files', () => {
  it('counts a record only as `<fileId>.json` naming that id, and removes its own leftovers', async () => {
    const first = await DiskStorage.open(dir);
    for (const [index, fileId] of ['1001', '1002', '1003', '1006'].entries()) await finishAsBlob(first, fileId, 1000, shaOf(index + 1));
    await first.close();
    const files = join(dir, 'files');
    await rename(join(files, '1001.json'), join(files, '1001.json.bak'));
    await rename(join(files, '1002.json'), join(files, 'x1002.json'));
    await rename(join(files, '1003.json'), join(files, '1004.json'));
    await mkdir(join(files, '1005.parts'));
    await writeFile(join(files, '1005.parts', '0.part'), 'left by a Finish killed before its record');
    await writeFile(join(files, 'readme.txt'), 'not ours');

    const reopened = await DiskStorage.open(dir);
    for (const fileId of ['1001', '1002', '1003', '1004', '1005']) expect(await reopened.getFileById(fileId)).toBeUndefined();
    expect(await reopened.getFileById('1006')).toMatchObject({ fileId: '1006', fileSize: 1000 });
    expect((await readdir(files)).sort()).toEqual(['1001.json.bak', '1006.bin', '1006.json', 'readme.txt', 'x1002.json']);
    await reopened.close();
  });

  it('ignores a record over 64 KiB, and a 1-byte file whose blob is gone', async () => {
    const first = await DiskStorage.open(dir);
    await finishAsBlob(first, '1001', 1000, shaOf(1));
    await finishAsBlob(first, '1002', 1, shaOf(2));
    await first.close();
    const files = join(dir, 'files');
    await writeFile(join(files, '1001.json'), `${JSON.stringify(record('1001', 1000, shaOf(1)))}${' '.repeat(70_000)}`);
    await rm(join(files, '1002.bin'));

    const reopened = await DiskStorage.open(dir);
    expect(await reopened.getFileById('1001')).toBeUndefined();
    expect(await reopened.getFileById('1002')).toBeUndefined();
    await reopened.close();
  });

  it('serves a file kept as parts whose size is a whole number of parts', async () => {
    const first = await DiskStorage.open(dir, { copyAtFinishMax: 0 });
    await finishAsParts(first, '1001', 2 * PART);
    await first.close();
    const reopened = await DiskStorage.open(dir, { copyAtFinishMax: 0 });
    expect(await readAll(await reopened.readFile('1001', 0, 2 * PART))).toBe(2 * PART);
    await reopened.close();
  });

  it('does not serve a kept file with a part that names another offset or has the wrong size', async () => {
    const first = await DiskStorage.open(dir, { copyAtFinishMax: 0 });
    await finishAsParts(first, '1001', 2 * PART + 1000, shaOf(1));
    await finishAsParts(first, '1002', 2 * PART + 1000, shaOf(2));
    await first.close();
    const files = join(dir, 'files');
    await writeFile(join(files, '1001.parts', `${PART}.part`), partFile({ offset: 0, dataSize: PART, dataMd5: MD5 }));
    await writeFile(join(files, '1002.parts', `${2 * PART}.part`), partFile({ offset: 2 * PART, dataSize: 999, dataMd5: MD5 }));

    const reopened = await DiskStorage.open(dir, { copyAtFinishMax: 0 });
    expect(await reopened.getFileById('1001')).toBeUndefined();
    expect(await reopened.getFileById('1002')).toBeUndefined();
    await reopened.close();
  });

  it('by default copies a file of a few MiB into one blob at finish', async () => {
    const storage = await DiskStorage.open(dir);
    await finishAsParts(storage, '1001', 3 * PART + 1000);
    expect((await readdir(join(dir, 'files'))).sort()).toEqual(['1001.bin', '1001.json']);
    await storage.close();
  });
});

describe('disk storage: files changed under it', () => {
  it('a part file cut short fails readPart, naming the part', async () => {
    const storage = await DiskStorage.open(dir);
    await putSessionWithParts(storage, 2 * PART);
    await truncate(join(await sessionDir(), `${PART}.part`), 100);
    // No header line, yet as many bytes as the part: its bytes must not pass for the part's.
    await writeFile(join(await sessionDir(), '0.part'), new Uint8Array(PART).fill(7));
    await expect(storage.readPart('AKIDone', shaOf(1), PART)).rejects.toThrow(`part at offset ${PART} is damaged`);
    await expect(storage.readPart('AKIDone', shaOf(1), 0)).rejects.toThrow('part at offset 0 is damaged');
    await storage.close();
  });

  it('a kept part replaced by one of another size fails the read, naming the part', async () => {
    const storage = await DiskStorage.open(dir, { copyAtFinishMax: 0 });
    await finishAsParts(storage, '1001', 2 * PART + 1000);
    await writeFile(join(dir, 'files', '1001.parts', `${PART}.part`), partFile({ offset: PART, dataSize: 999, dataMd5: MD5 }));
    await expect(readAll(await storage.readFile('1001', 0, 2 * PART + 1000))).rejects.toThrow(`part at offset ${PART} is damaged`);
    await storage.close();
  });

  it('a blob cut short after it was opened fails the read instead of waiting forever', async () => {
    const storage = await DiskStorage.open(dir);
    await finishAsBlob(storage, '1001', 1000);
    const stream = await storage.readFile('1001', 0, 1000);
    await truncate(join(dir, 'files', '1001.bin'), 10);
    await expect(readAll(stream)).rejects.toThrow('file 1001 is shorter than its record');
    await storage.close();
  });
});

describe('disk storage: failures leave nothing behind', () => {
  it('a part that cannot be renamed into place leaves no temp file', async () => {
    const storage = await DiskStorage.open(dir);
    await storage.putSession(session(1000));
    await mkdir(join(await sessionDir(), '0.part'));
    await expect(storage.putPart('AKIDone', shaOf(1), partsOf(1000)[0]!, [new Uint8Array(1000)])).rejects.toThrow();
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
    await storage.close();
  });

  it('an aborted FileWriter leaves no temp file', async () => {
    const storage = await DiskStorage.open(dir);
    const writer = await storage.createFileWriter();
    await writer.write(new Uint8Array(1000));
    await writer.abort();
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
    await storage.close();
  });

  it('dropped parts stay dropped after a restart', async () => {
    const first = await DiskStorage.open(dir);
    await putSessionWithParts(first, 2 * PART);
    await first.deleteParts('AKIDone', shaOf(1));
    await first.close();
    const reopened = await DiskStorage.open(dir);
    expect(await reopened.getSession('AKIDone', shaOf(1))).toBeDefined();
    expect(await reopened.listParts('AKIDone', shaOf(1))).toEqual([]);
    await reopened.close();
  });

  it('a finish that cannot read a part or move the parts keeps the session and leaves no file or temp file', async () => {
    const copying = await DiskStorage.open(dir);
    await expect(copying.finishFromParts(record('1001', 1000), session(1000))).rejects.toThrow(`no session for ${shaOf(1)}`);
    await putSessionWithParts(copying, 2 * PART);
    await truncate(join(await sessionDir(), `${PART}.part`), 100);
    await expect(copying.finishFromParts(record('1001', 2 * PART), session(2 * PART))).rejects.toThrow(`part at offset ${PART} is damaged`);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
    expect(await copying.getFileById('1001')).toBeUndefined();
    expect(await copying.listParts('AKIDone', shaOf(1))).toHaveLength(2);
    await copying.close();

    const keeping = await DiskStorage.open(dir, { copyAtFinishMax: 0 });
    // The parts' place is taken by a directory that is not empty: the rename fails.
    await mkdir(join(dir, 'files', '1002.parts', 'x'), { recursive: true });
    await expect(keeping.finishFromParts(record('1002', 2 * PART), session(2 * PART))).rejects.toThrow();
    expect((await readdir(join(dir, 'files'))).sort()).toEqual(['1002.parts']);
    expect(await keeping.getSession('AKIDone', shaOf(1))).toBeDefined();
    await keeping.close();
  });

  it('an open that fails releases the directory, and close may be called twice', async () => {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'sessions'), 'a file where the sessions directory goes');
    await expect(DiskStorage.open(dir)).rejects.toThrow();
    await rm(join(dir, 'sessions'));
    const storage = await DiskStorage.open(dir);
    await storage.close();
    await expect(storage.close()).resolves.toBeUndefined();
    expect(await readFile(join(dir, 'lock')).catch(() => 'released')).toBe('released');
  });
});
