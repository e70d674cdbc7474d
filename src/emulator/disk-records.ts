/**
 * Disk storage's records: JSON files read back through their schema (anything that does not fit is
 * ignored, not trusted), and the all-or-nothing writes every file goes through.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { z } from 'zod';
import { fileRecord, type FileRecord, type FileWriter } from './storage.js';

/** A finished file's record on disk; `partSize` when the file is kept as its parts. */
export const storedFileRecord = fileRecord.extend({ partSize: z.union([z.literal(524288), z.literal(1048576)]).optional() });

/** Writes bytes to `temp`, syncs it and renames it to `target`: readers see all or nothing. */
export async function writeAtomic(temp: string, target: string, chunks: readonly Uint8Array[]): Promise<void> {
  const handle = await open(temp, 'w');
  try {
    for (const chunk of chunks) await handle.write(chunk);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** A JSON file read through `schema`; undefined when missing, too big, or not what the schema says. */
export async function readJson<T>(
  path: string,
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
): Promise<T | undefined> {
  try {
    const text = await readFile(path, 'utf8');
    if (text.length > 64 * 1024) return undefined;
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A file written to `temp`; on commit it is synced, closed and renamed to `target(record)`, then
 * `committed(record)` runs. An aborted file is removed.
 */
export async function tempFileWriter(
  temp: string,
  target: (record: FileRecord) => string,
  committed: (record: FileRecord) => Promise<void>,
): Promise<FileWriter> {
  const handle = await open(temp, 'w');
  let isOpen = true;
  const closeHandle = async (): Promise<void> => {
    if (!isOpen) return;
    isOpen = false;
    await handle.close();
  };
  return {
    write: async (chunk) => {
      await handle.write(chunk);
    },
    commit: async (record) => {
      await handle.sync();
      await closeHandle();
      await rename(temp, target(record));
      await committed(record);
    },
    abort: async () => {
      await closeHandle().catch(() => undefined);
      await rm(temp, { force: true });
    },
  };
}
