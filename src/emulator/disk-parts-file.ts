/**
 * A finished file kept as the part files it was uploaded in (disk storage, big files): FinishUpload
 * moves the session's directory instead of copying every byte into one blob. Part files are
 * `<offset>.part`: a JSON header line, then the part's bytes. This module checks such a directory
 * against its record and streams byte ranges out of it.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { rangeStream } from './disk-range-stream.js';
import { join } from 'node:path';
import { partRecord, type PartRecord } from './storage.js';

const HEADER_MAX = 256;

/** A part file's header and where its bytes start, when the file holds exactly the bytes it announces. */
export async function readPartHeader(path: string): Promise<{ record: PartRecord; dataStart: number } | undefined> {
  try {
    const handle = await open(path, 'r');
    try {
      return await headerOf(handle);
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

async function headerOf(handle: FileHandle): Promise<{ record: PartRecord; dataStart: number } | undefined> {
  const { bytesRead, buffer } = await handle.read(new Uint8Array(HEADER_MAX), 0, HEADER_MAX, 0);
  const head = buffer.subarray(0, bytesRead);
  const newline = head.indexOf(10);
  if (newline < 0) return undefined;
  const parsed = partRecord.safeParse(JSON.parse(new TextDecoder().decode(head.subarray(0, newline))));
  if (!parsed.success) return undefined;
  const { size } = await handle.stat();
  return size === newline + 1 + parsed.data.dataSize ? { record: parsed.data, dataStart: newline + 1 } : undefined;
}

/** The size each part must have for a file of `fileSize` bytes in parts of `partSize`. */
const sizeAt = (offset: number, fileSize: number, partSize: number): number => Math.min(partSize, fileSize - offset);

/** True when `dir` holds every part of a `fileSize`-byte file, each whole and of the right size. */
export async function partsAreWhole(dir: string, fileSize: number, partSize: number): Promise<boolean> {
  for (let offset = 0; offset < fileSize; offset += partSize) {
    const part = await readPartHeader(join(dir, `${offset}.part`));
    if (!part || part.record.offset !== offset || part.record.dataSize !== sizeAt(offset, fileSize, partSize)) return false;
  }
  return true;
}

/** Bytes `start` (inclusive) to `end` (exclusive) of a file kept as parts, read part by part. */
export function streamParts(dir: string, fileSize: number, partSize: number, start: number, end: number): ReadableStream<Uint8Array> {
  return rangeStream(start, end, async (position) => {
    const offset = position - (position % partSize);
    const handle = await open(join(dir, `${offset}.part`), 'r');
    const header = await headerOf(handle).catch(() => undefined);
    const length = sizeAt(offset, fileSize, partSize);
    if (!header || header.record.dataSize !== length) {
      await handle.close().catch(() => undefined);
      throw new Error(`part at offset ${offset} is damaged`);
    }
    return { handle, offset, length, dataStart: header.dataStart, shortMessage: `part at offset ${offset} is shorter than its header` };
  });
}
