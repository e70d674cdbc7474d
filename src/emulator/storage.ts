/**
 * What the emulator keeps, behind one interface so tests use memory and the CLI a directory that
 * survives restarts. Storage is a dumb store: every protocol rule lives in the emulator.
 */
import { z } from 'zod';
import { fileId, fileName, fileType, md5Hex, partSize, sha1Hex } from '../protocol/index.js';

/** An upload session, keyed by (secretId, fileSha). */
export const sessionRecord = z.object({
  secretId: z.string().min(1).max(128),
  fileSha: sha1Hex,
  fileName,
  fileType,
  fileSize: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  dataSize: partSize,
  classId: z.number().int().min(0).optional(),
  tags: z.array(z.string().max(64)).max(10).optional(),
  /** ms since the epoch. */
  createdAt: z.number().int().min(0),
});
/** An upload session the emulator keeps (see {@link sessionRecord}). */
export type SessionRecord = z.infer<typeof sessionRecord>;

/** A part the emulator holds. */
export const partRecord = z.object({
  offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  dataSize: z.number().int().min(1).max(1048576),
  dataMd5: md5Hex,
});
/** A part the emulator holds (see {@link partRecord}). */
export type PartRecord = z.infer<typeof partRecord>;

/** A finished file: found by (secretId, fileSha) for instant upload, by fileId for serving. */
export const fileRecord = z.object({
  fileId,
  secretId: z.string().min(1).max(128),
  fileSha: sha1Hex,
  fileName,
  fileType,
  fileSize: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  createdAt: z.number().int().min(0),
});
/** A finished file (see {@link fileRecord}). */
export type FileRecord = z.infer<typeof fileRecord>;

/** Collects a file's bytes in order while the emulator checks its SHA-1; nothing is visible before `commit`. */
export interface FileWriter {
  /** Appends the next bytes of the file. */
  write(chunk: Uint8Array): Promise<void>;
  /** Makes the file visible under `record.fileId`. */
  commit(record: FileRecord): Promise<void>;
  /** Forgets what was written. Safe to call after a failure. */
  abort(): Promise<void>;
}

/**
 * The emulator's store. Methods may throw; the emulator turns a failed write into `-10004` and a
 * failed read into `-10005` (canRetry 1).
 */
export interface EmulatorStorage {
  /** The session of `fileSha` under `secretId`, if any. */
  getSession(secretId: string, fileSha: string): Promise<SessionRecord | undefined>;
  /** Creates or replaces a session. */
  putSession(session: SessionRecord): Promise<void>;
  /** Removes the session and all its parts. */
  deleteSession(secretId: string, fileSha: string): Promise<void>;
  /** Parts held for a session, in any order. */
  listParts(secretId: string, fileSha: string): Promise<PartRecord[]>;
  /**
   * Stores a part given as the chunks its body arrived in (the emulator does not join them; the
   * storage must not change them). A part at the same offset is replaced (the later one wins).
   */
  putPart(secretId: string, fileSha: string, part: PartRecord, chunks: readonly Uint8Array[]): Promise<void>;
  /** A stored part's bytes, in one or more chunks, in order. */
  readPart(secretId: string, fileSha: string, offset: number): Promise<readonly Uint8Array[]>;
  /** Drops every part of a session but keeps the session. */
  deleteParts(secretId: string, fileSha: string): Promise<void>;
  /** The finished file of `fileSha` under `secretId` (instant upload), if any. */
  getFileBySha(secretId: string, fileSha: string): Promise<FileRecord | undefined>;
  /** The finished file with this id, if any. */
  getFileById(fileId: string): Promise<FileRecord | undefined>;
  /** Starts writing a finished file (see {@link FileWriter}). */
  createFileWriter(): Promise<FileWriter>;
  /**
   * Optional: makes the session's stored parts the finished file `record` (all or nothing) and
   * removes the session, so FinishUpload need not copy every byte through a {@link FileWriter}.
   * Called once the parts' SHA-1 was checked. Without it, the emulator writes the file with
   * `createFileWriter` and deletes the session.
   */
  finishFromParts?(record: FileRecord, session: SessionRecord): Promise<void>;
  /** The bytes `start` (inclusive) to `end` (exclusive) of a finished file. */
  readFile(fileId: string, start: number, end: number): Promise<ReadableStream<Uint8Array>>;
  /** Releases what the storage holds open. */
  close(): Promise<void>;
}

/**
 * True when a part is consistent with its session: offset on a part boundary inside the file and
 * the size the protocol asks for there. Used on every write and when reading a disk store back.
 */
export function partFitsSession(session: SessionRecord, offset: number, dataSize: number): boolean {
  if (offset % session.dataSize !== 0 || offset >= session.fileSize) return false;
  return dataSize === Math.min(session.dataSize, session.fileSize - offset);
}
