/**
 * Storage in a directory, for the CLI: survives restarts and crashes.
 *
 * Layout: `sessions/<fileSha>-<secretIdHash>/session.json` and `<offset>.part` (a JSON header line,
 * then the bytes), `files/<fileId>.json` + `files/<fileId>.bin` (or, for big files, the session's
 * directory moved to `files/<fileId>.parts/`: see finishFromParts), and `tmp/`. Everything is written
 * to `tmp/` first, synced, then renamed into place, so a half-written part or record never counts.
 * On open, every record is read back through zod and checked against the bytes on disk; anything
 * that does not fit is ignored.
 */
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { lockDirectory } from './dir-lock.js';
import { join } from 'node:path';
import { sha1 } from '@noble/hashes/legacy.js';
import { partsAreWhole, readPartHeader, streamParts } from './disk-parts-file.js';
import { readJson, storedFileRecord, tempFileWriter, writeAtomic } from './disk-records.js';
import { rangeStream } from './disk-range-stream.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  partFitsSession,
  sessionRecord,
  type EmulatorStorage,
  type FileRecord,
  type FileWriter,
  type PartRecord,
  type SessionRecord,
} from './storage.js';

interface SessionEntry {
  session: SessionRecord;
  dir: string;
  parts: Map<number, PartRecord>;
}

const encoder = new TextEncoder();
/**
 * Files up to this size are copied into one blob at FinishUpload (`files/<fileId>.bin`, easy to
 * look at); bigger ones keep their part files (`files/<fileId>.parts/`): copying 4 GiB took
 * longer than a client waits for an answer.
 */
const COPY_AT_FINISH_MAX = 64 * 1048576;

const keyOf = (secretId: string, fileSha: string): string => `${fileSha}\n${secretId}`;
const dirNameOf = (secretId: string, fileSha: string): string => `${fileSha}-${bytesToHex(sha1(encoder.encode(secretId))).slice(0, 16)}`;

/** Storage in a directory. Create it with `openDiskStorage(directory)`. */
export class DiskStorage implements EmulatorStorage {
  /** The data directory. */
  readonly root: string;
  readonly #sessions = new Map<string, SessionEntry>();
  readonly #filesById = new Map<string, FileRecord>();
  readonly #filesBySha = new Map<string, string>();
  /** Part size of the finished files kept as parts, by fileId. */
  readonly #keptAsParts = new Map<string, number>();
  #unlock: (() => Promise<void>) | undefined;

  readonly #copyAtFinishMax: number;

  private constructor(root: string, copyAtFinishMax: number) {
    this.root = root;
    this.#copyAtFinishMax = copyAtFinishMax;
  }

  /**
   * Opens (creating if needed) a data directory and reads back what it holds. `copyAtFinishMax`:
   * files up to this many bytes are copied into one blob at FinishUpload, bigger ones keep their parts.
   */
  static async open(root: string, { copyAtFinishMax = COPY_AT_FINISH_MAX } = {}): Promise<DiskStorage> {
    const storage = new DiskStorage(root, copyAtFinishMax);
    await mkdir(root, { recursive: true });
    // Before anything is touched: the temp files below may belong to a running emulator otherwise.
    storage.#unlock = await lockDirectory(root);
    try {
      await rm(storage.#tmp, { recursive: true, force: true });
      await Promise.all([storage.#tmp, storage.#sessionsDir, storage.#filesDir].map((dir) => mkdir(dir, { recursive: true })));
      await storage.#loadSessions();
      await storage.#loadFiles();
    } catch (error) {
      await storage.close();
      throw error;
    }
    return storage;
  }

  get #tmp(): string {
    return join(this.root, 'tmp');
  }
  get #sessionsDir(): string {
    return join(this.root, 'sessions');
  }
  get #filesDir(): string {
    return join(this.root, 'files');
  }
  #tmpName(): string {
    return join(this.#tmp, crypto.randomUUID());
  }

  /** Writes bytes to a temp file, syncs it and renames it into place: readers see all or nothing. */
  #writeAtomic(target: string, ...chunks: Uint8Array[]): Promise<void> {
    return writeAtomic(this.#tmpName(), target, chunks);
  }

  async #loadSessions(): Promise<void> {
    for (const name of await readdir(this.#sessionsDir)) {
      const dir = join(this.#sessionsDir, name);
      const session = await readJson(join(dir, 'session.json'), sessionRecord);
      if (!session || dirNameOf(session.secretId, session.fileSha) !== name) continue;
      const parts = new Map<number, PartRecord>();
      for (const file of await readdir(dir)) {
        const match = /^(0|[1-9][0-9]{0,15})\.part$/.exec(file);
        if (!match) continue;
        const part = await readPartHeader(join(dir, file));
        if (part && part.record.offset === Number(match[1]) && partFitsSession(session, part.record.offset, part.record.dataSize)) {
          parts.set(part.record.offset, part.record);
        }
      }
      this.#sessions.set(keyOf(session.secretId, session.fileSha), { session, dir, parts });
    }
  }

  async #loadFiles(): Promise<void> {
    for (const name of await readdir(this.#filesDir)) {
      const match = /^([0-9]{1,40})\.json$/.exec(name);
      if (!match) continue;
      const stored = await readJson(join(this.#filesDir, name), storedFileRecord);
      if (!stored || stored.fileId !== match[1]) continue;
      const { partSize: kept, ...record } = stored;
      if (kept === undefined) {
        const size = await stat(this.#blobPath(record.fileId)).then(
          (info) => info.size,
          () => -1,
        );
        if (size !== record.fileSize) continue;
      } else {
        // A record whose parts directory is missing (killed before the rename) or damaged is ignored.
        if (!(await partsAreWhole(this.#partsPath(record.fileId), record.fileSize, kept))) continue;
        this.#keptAsParts.set(record.fileId, kept);
      }
      this.#filesById.set(record.fileId, record);
      this.#filesBySha.set(keyOf(record.secretId, record.fileSha), record.fileId);
    }
    // What a Finish killed before its commit point left (a record without its parts, a blob without
    // its record) and records that cannot be trusted: never served, so removed, not kept forever.
    for (const name of await readdir(this.#filesDir)) {
      const match = /^([0-9]{1,40})\.(json|bin|parts)$/.exec(name);
      if (match && !this.#filesById.has(match[1]!)) await rm(join(this.#filesDir, name), { recursive: true, force: true });
    }
  }

  #blobPath(fileId: string): string {
    return join(this.#filesDir, `${fileId}.bin`);
  }
  #partsPath(fileId: string): string {
    return join(this.#filesDir, `${fileId}.parts`);
  }

  async getSession(secretId: string, fileSha: string): Promise<SessionRecord | undefined> {
    return this.#sessions.get(keyOf(secretId, fileSha))?.session;
  }

  async putSession(session: SessionRecord): Promise<void> {
    const key = keyOf(session.secretId, session.fileSha);
    const dir = join(this.#sessionsDir, dirNameOf(session.secretId, session.fileSha));
    const existing = this.#sessions.get(key);
    // A new session starts from an empty directory: leftovers of an entry ignored on open never come back.
    if (!existing) await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await this.#writeAtomic(join(dir, 'session.json'), encoder.encode(JSON.stringify(session)));
    this.#sessions.set(key, { session: { ...session }, dir, parts: existing?.parts ?? new Map() });
  }

  async deleteSession(secretId: string, fileSha: string): Promise<void> {
    const key = keyOf(secretId, fileSha);
    const entry = this.#sessions.get(key);
    if (!entry) return;
    this.#sessions.delete(key);
    // One rename takes the whole session away at once; the copy in tmp/ is cleaned at leisure.
    const trash = this.#tmpName();
    await rename(entry.dir, trash);
    await rm(trash, { recursive: true, force: true });
  }

  async listParts(secretId: string, fileSha: string): Promise<PartRecord[]> {
    const entry = this.#sessions.get(keyOf(secretId, fileSha));
    return entry ? [...entry.parts.values()].map((part) => ({ ...part })) : [];
  }

  async putPart(secretId: string, fileSha: string, part: PartRecord, chunks: readonly Uint8Array[]): Promise<void> {
    const entry = this.#sessions.get(keyOf(secretId, fileSha));
    if (!entry) throw new Error(`no session for ${fileSha}`);
    const header = encoder.encode(`${JSON.stringify(part)}\n`);
    await this.#writeAtomic(join(entry.dir, `${part.offset}.part`), header, ...chunks);
    entry.parts.set(part.offset, { ...part });
  }

  async readPart(secretId: string, fileSha: string, offset: number): Promise<readonly Uint8Array[]> {
    const entry = this.#sessions.get(keyOf(secretId, fileSha));
    const part = entry?.parts.get(offset);
    if (!entry || !part) throw new Error(`no part at offset ${offset}`);
    const content = new Uint8Array(await readFile(join(entry.dir, `${offset}.part`)));
    const newline = content.indexOf(10);
    const bytes = content.subarray(newline + 1);
    if (newline < 0 || bytes.length !== part.dataSize) throw new Error(`part at offset ${offset} is damaged`);
    return [bytes];
  }

  async deleteParts(secretId: string, fileSha: string): Promise<void> {
    const entry = this.#sessions.get(keyOf(secretId, fileSha));
    if (!entry) return;
    const offsets = [...entry.parts.keys()];
    entry.parts.clear();
    await Promise.all(offsets.map((offset) => unlink(join(entry.dir, `${offset}.part`)).catch(() => undefined)));
  }

  async getFileBySha(secretId: string, fileSha: string): Promise<FileRecord | undefined> {
    const id = this.#filesBySha.get(keyOf(secretId, fileSha));
    return id === undefined ? undefined : this.#filesById.get(id);
  }

  async getFileById(fileId: string): Promise<FileRecord | undefined> {
    return this.#filesById.get(fileId);
  }

  async createFileWriter(): Promise<FileWriter> {
    return tempFileWriter(
      this.#tmpName(),
      (record) => this.#blobPath(record.fileId),
      async (record) => {
        // The record is the commit point: a blob without one is ignored on the next start.
        await this.#writeAtomic(join(this.#filesDir, `${record.fileId}.json`), encoder.encode(JSON.stringify(record)));
        this.#filesById.set(record.fileId, { ...record });
        this.#filesBySha.set(keyOf(record.secretId, record.fileSha), record.fileId);
      },
    );
  }

  /**
   * Makes the session's stored parts the finished file `record` and removes the session. Big files
   * keep their part files: the record (with the part size) is written first, then one rename moves
   * the session's directory beside it. That rename is the commit point: killed before it, the
   * record finds no parts on the next start and is ignored, and the session is still there.
   */
  async finishFromParts(record: FileRecord, session: SessionRecord): Promise<void> {
    const key = keyOf(session.secretId, session.fileSha);
    const entry = this.#sessions.get(key);
    if (!entry) throw new Error(`no session for ${session.fileSha}`);
    if (session.fileSize <= this.#copyAtFinishMax) {
      const writer = await this.createFileWriter();
      try {
        for (let offset = 0; offset < session.fileSize; offset += session.dataSize) {
          for (const chunk of await this.readPart(session.secretId, session.fileSha, offset)) await writer.write(chunk);
        }
        await writer.commit(record);
      } catch (error) {
        await writer.abort().catch(() => undefined);
        throw error;
      }
      // The file is kept even if the session cannot be removed: InitUpload looks for files first.
      await this.deleteSession(session.secretId, session.fileSha).catch(() => undefined);
      return;
    }
    const recordPath = join(this.#filesDir, `${record.fileId}.json`);
    await this.#writeAtomic(recordPath, encoder.encode(JSON.stringify({ ...record, partSize: session.dataSize })));
    try {
      await rename(entry.dir, this.#partsPath(record.fileId));
    } catch (error) {
      await rm(recordPath, { force: true });
      throw error;
    }
    this.#sessions.delete(key);
    this.#keptAsParts.set(record.fileId, session.dataSize);
    this.#filesById.set(record.fileId, { ...record });
    this.#filesBySha.set(keyOf(record.secretId, record.fileSha), record.fileId);
  }

  async readFile(fileId: string, start: number, end: number): Promise<ReadableStream<Uint8Array>> {
    const record = this.#filesById.get(fileId);
    if (!record) throw new Error(`no file ${fileId}`);
    const kept = this.#keptAsParts.get(fileId);
    if (kept !== undefined) return streamParts(this.#partsPath(fileId), record.fileSize, kept, start, end);
    // Checked here, so a missing blob fails the call, not the stream; opened on the first pull, so
    // a stream never read or cancelled holds no file handle (else it leaks until GC closes it).
    const path = this.#blobPath(fileId);
    await stat(path);
    return rangeStream(start, end, async () => ({
      handle: await open(path, 'r'),
      offset: 0,
      length: record.fileSize,
      dataStart: 0,
      shortMessage: `file ${fileId} is shorter than its record`,
    }));
  }

  /** Releases the data directory for another emulator. */
  async close(): Promise<void> {
    const unlock = this.#unlock;
    this.#unlock = undefined;
    await unlock?.();
  }
}
