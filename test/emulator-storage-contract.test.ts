/**
 * The storage contract (src/emulator/storage.ts), held by every store the emulator ships: memory,
 * and a directory whose finished files are written through a FileWriter, copied from the parts at
 * FinishUpload, or kept as the parts. The emulator's protocol rules rely on each of these answers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskStorage } from '../src/emulator/disk-storage.js';
import { MemoryStorage } from '../src/emulator/memory-storage.js';
import type { EmulatorStorage, FileRecord, PartRecord, SessionRecord } from '../src/emulator/storage.js';

const SHA = 'a'.repeat(40);
const OTHER_SHA = 'b'.repeat(40);
const MD5 = 'c'.repeat(32);

const PART = 524288;
const SIZE = 2 * PART + 1000;
/** A file of three parts (the last one 1000 bytes); the first part arrives as two chunks, split after byte 1. */
const session = (secretId = 'AKIDone'): SessionRecord => ({
  secretId,
  fileSha: SHA,
  fileName: 'clip',
  fileType: 'mp4',
  fileSize: SIZE,
  dataSize: PART,
  createdAt: 1,
});
const FILE_BYTES = Uint8Array.from({ length: SIZE }, (_, index) => (index * 7) % 251);
const PARTS: { part: PartRecord; chunks: Uint8Array[] }[] = [
  { part: { offset: 0, dataSize: PART, dataMd5: MD5 }, chunks: [FILE_BYTES.slice(0, 1), FILE_BYTES.slice(1, PART)] },
  { part: { offset: PART, dataSize: PART, dataMd5: MD5 }, chunks: [FILE_BYTES.slice(PART, 2 * PART)] },
  { part: { offset: 2 * PART, dataSize: 1000, dataMd5: MD5 }, chunks: [FILE_BYTES.slice(2 * PART)] },
];
const record = (fileId = '1001', secretId = 'AKIDone'): FileRecord => ({
  fileId,
  secretId,
  fileSha: SHA,
  fileName: 'clip',
  fileType: 'mp4',
  fileSize: SIZE,
  createdAt: 2,
});

/**
 * How `chunks`, joined, differ from `expected`, in a few words. A failed toEqual on megabytes
 * would spend minutes printing its diff.
 */
function differenceOf(chunks: readonly Uint8Array[], expected: Uint8Array): string {
  const actual = Buffer.concat(chunks);
  if (actual.length !== expected.length) return `${actual.length} bytes, expected ${expected.length}`;
  const at = actual.findIndex((byte, index) => byte !== expected[index]);
  return at < 0 ? 'none' : `byte ${at} is ${actual[at]}, expected ${expected[at]}`;
}
const bytesOf = (start: number, end: number): Uint8Array => FILE_BYTES.subarray(start, end);
const drain = async (stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> => {
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) chunks.push(read.value);
  return chunks;
};

/** Writes the file's bytes through a FileWriter in three chunks, as the emulator does without finishFromParts. */
async function finishThroughWriter(storage: EmulatorStorage, finished: FileRecord): Promise<void> {
  const writer = await storage.createFileWriter();
  for (const { chunks } of PARTS) for (const chunk of chunks) await writer.write(chunk);
  await writer.commit(finished);
}
async function finishFromParts(storage: EmulatorStorage, finished: FileRecord): Promise<void> {
  const open = session(finished.secretId);
  await storage.putSession(open);
  for (const { part, chunks } of PARTS) await storage.putPart(open.secretId, SHA, part, chunks);
  await storage.finishFromParts?.(finished, open);
}

interface Variant {
  name: string;
  open(dir: string): Promise<EmulatorStorage>;
  finish(storage: EmulatorStorage, finished: FileRecord): Promise<void>;
}
const VARIANTS: Variant[] = [
  { name: 'memory', open: async () => new MemoryStorage(), finish: finishThroughWriter },
  { name: 'disk, file written through a FileWriter', open: (dir) => DiskStorage.open(dir), finish: finishThroughWriter },
  { name: 'disk, parts copied into one blob at finish', open: (dir) => DiskStorage.open(dir), finish: finishFromParts },
  { name: 'disk, file kept as its parts', open: (dir) => DiskStorage.open(dir, { copyAtFinishMax: 0 }), finish: finishFromParts },
];

describe.each(VARIANTS)('storage contract: $name', (variant) => {
  let dir: string;
  let storage: EmulatorStorage;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vod-storage-'));
    storage = await variant.open(dir);
  });
  afterEach(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('sessions and parts', () => {
    it('knows nothing before a session is put: no session, no parts, and part calls name what is missing', async () => {
      expect(await storage.getSession('AKIDone', SHA)).toBeUndefined();
      expect(await storage.listParts('AKIDone', SHA)).toEqual([]);
      await expect(storage.putPart('AKIDone', SHA, PARTS[0]!.part, PARTS[0]!.chunks)).rejects.toThrow(`no session for ${SHA}`);
      await expect(storage.readPart('AKIDone', SHA, 0)).rejects.toThrow('no part at offset 0');
      await expect(storage.deleteParts('AKIDone', SHA)).resolves.toBeUndefined();
      await expect(storage.deleteSession('AKIDone', SHA)).resolves.toBeUndefined();
    });

    it('keeps a copy of the session: changing the caller’s object later changes nothing', async () => {
      const open = session();
      await storage.putSession(open);
      open.fileName = 'changed';
      expect(await storage.getSession('AKIDone', SHA)).toEqual(session());
    });

    it('keys sessions by secretId and fileSha together', async () => {
      await storage.putSession(session('AKIDone'));
      await storage.putPart('AKIDone', SHA, PARTS[1]!.part, PARTS[1]!.chunks);
      expect(await storage.getSession('AKIDtwo', SHA)).toBeUndefined();
      expect(await storage.getSession('AKIDone', OTHER_SHA)).toBeUndefined();
      expect(await storage.listParts('AKIDtwo', SHA)).toEqual([]);
      await expect(storage.readPart('AKIDtwo', SHA, PART)).rejects.toThrow(`no part at offset ${PART}`);
    });

    it('reads a part back as the bytes it was given, in order, and lists copies of the records', async () => {
      await storage.putSession(session());
      for (const { part, chunks } of PARTS) await storage.putPart('AKIDone', SHA, part, chunks);
      expect(differenceOf(await storage.readPart('AKIDone', SHA, 0), bytesOf(0, PART))).toBe('none');
      expect(differenceOf(await storage.readPart('AKIDone', SHA, 2 * PART), bytesOf(2 * PART, SIZE))).toBe('none');
      await expect(storage.readPart('AKIDone', SHA, 2)).rejects.toThrow('no part at offset 2');
      const listed = await storage.listParts('AKIDone', SHA);
      expect(listed.sort((a, b) => a.offset - b.offset)).toEqual(PARTS.map(({ part }) => part));
      listed[0]!.dataMd5 = 'changed';
      expect((await storage.listParts('AKIDone', SHA)).map((part) => part.dataMd5)).toEqual([MD5, MD5, MD5]);
    });

    it('replaces a part at the same offset: the later one wins', async () => {
      await storage.putSession(session());
      await storage.putPart('AKIDone', SHA, PARTS[1]!.part, PARTS[1]!.chunks);
      await storage.putPart('AKIDone', SHA, { ...PARTS[1]!.part, dataMd5: 'd'.repeat(32) }, [new Uint8Array(PART).fill(42)]);
      expect(differenceOf(await storage.readPart('AKIDone', SHA, PART), new Uint8Array(PART).fill(42))).toBe('none');
      expect(await storage.listParts('AKIDone', SHA)).toEqual([{ offset: PART, dataSize: PART, dataMd5: 'd'.repeat(32) }]);
    });

    it('keeps the parts when the session is put again, and drops them on deleteParts but keeps the session', async () => {
      await storage.putSession(session());
      await storage.putPart('AKIDone', SHA, PARTS[0]!.part, PARTS[0]!.chunks);
      await storage.putSession({ ...session(), createdAt: 5 });
      expect((await storage.getSession('AKIDone', SHA))?.createdAt).toBe(5);
      expect(await storage.listParts('AKIDone', SHA)).toHaveLength(1);
      expect(differenceOf(await storage.readPart('AKIDone', SHA, 0), bytesOf(0, PART))).toBe('none');

      await storage.deleteParts('AKIDone', SHA);
      expect(await storage.listParts('AKIDone', SHA)).toEqual([]);
      await expect(storage.readPart('AKIDone', SHA, 0)).rejects.toThrow('no part at offset 0');
      expect(await storage.getSession('AKIDone', SHA)).toEqual({ ...session(), createdAt: 5 });
    });

    it('removes the session with its parts on deleteSession, and a new session starts empty', async () => {
      await storage.putSession(session());
      await storage.putPart('AKIDone', SHA, PARTS[0]!.part, PARTS[0]!.chunks);
      await storage.deleteSession('AKIDone', SHA);
      expect(await storage.getSession('AKIDone', SHA)).toBeUndefined();
      await expect(storage.putPart('AKIDone', SHA, PARTS[0]!.part, PARTS[0]!.chunks)).rejects.toThrow(`no session for ${SHA}`);
      await storage.putSession(session());
      expect(await storage.listParts('AKIDone', SHA)).toEqual([]);
    });
  });

  describe('finished files', () => {
    it('finds no file before one is finished, and reading an unknown id names it', async () => {
      expect(await storage.getFileById('1001')).toBeUndefined();
      expect(await storage.getFileBySha('AKIDone', SHA)).toBeUndefined();
      await expect(storage.readFile('1001', 0, SIZE)).rejects.toThrow('no file 1001');
    });

    it('finds a finished file by id, and by SHA-1 only under its own secretId', async () => {
      await variant.finish(storage, record());
      expect(await storage.getFileById('1001')).toEqual(record());
      expect(await storage.getFileBySha('AKIDone', SHA)).toEqual(record());
      expect(await storage.getFileBySha('AKIDtwo', SHA)).toBeUndefined();
      expect(await storage.getFileBySha('AKIDone', OTHER_SHA)).toBeUndefined();
      expect(await storage.getFileById('1002')).toBeUndefined();
    });

    it.each([
      [0, SIZE],
      [0, 0],
      [1, 3],
      [PART - 2, PART + 3],
      [1, 2 * PART + 5],
      [PART, 2 * PART],
      [PART + 5, PART + 6],
      [2 * PART, SIZE],
      [SIZE - 1, SIZE],
    ])('serves bytes %i to %i exactly, across chunk and part boundaries', async (start, end) => {
      await variant.finish(storage, record());
      expect(differenceOf(await drain(await storage.readFile('1001', start, end)), bytesOf(start, end))).toBe('none');
    });

    it('hands out chunks the reader may change without changing the stored file', async () => {
      await variant.finish(storage, record());
      for (const chunk of await drain(await storage.readFile('1001', 0, SIZE))) chunk.fill(0);
      expect(differenceOf(await drain(await storage.readFile('1001', 0, SIZE)), bytesOf(0, SIZE))).toBe('none');
    });

    it('keeps nothing of a FileWriter that was aborted', async () => {
      const writer = await storage.createFileWriter();
      await writer.write(FILE_BYTES);
      await writer.abort();
      expect(await storage.getFileById('1001')).toBeUndefined();
      expect(await storage.getFileBySha('AKIDone', SHA)).toBeUndefined();
      await expect(storage.readFile('1001', 0, SIZE)).rejects.toThrow('no file 1001');
    });
  });
});
