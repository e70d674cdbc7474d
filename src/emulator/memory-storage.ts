/**
 * In-memory storage for tests and throwaway emulators. Web-standard only, so it runs in every runtime.
 */
import type { EmulatorStorage, FileRecord, FileWriter, PartRecord, SessionRecord } from './storage.js';

interface SessionEntry {
  session: SessionRecord;
  parts: Map<number, { part: PartRecord; chunks: readonly Uint8Array[] }>;
}

interface FileEntry {
  record: FileRecord;
  /** Kept as the parts arrived: a 256 MiB file is never copied into one buffer. */
  chunks: Uint8Array[];
}

const keyOf = (secretId: string, fileSha: string): string => `${fileSha}\n${secretId}`;

/** Keeps sessions, parts and finished files in memory; everything is lost when the process ends. */
export class MemoryStorage implements EmulatorStorage {
  readonly #sessions = new Map<string, SessionEntry>();
  readonly #filesById = new Map<string, FileEntry>();
  readonly #filesBySha = new Map<string, string>();

  async getSession(secretId: string, fileSha: string): Promise<SessionRecord | undefined> {
    return this.#sessions.get(keyOf(secretId, fileSha))?.session;
  }

  async putSession(session: SessionRecord): Promise<void> {
    const key = keyOf(session.secretId, session.fileSha);
    const existing = this.#sessions.get(key);
    this.#sessions.set(key, { session: { ...session }, parts: existing?.parts ?? new Map() });
  }

  async deleteSession(secretId: string, fileSha: string): Promise<void> {
    this.#sessions.delete(keyOf(secretId, fileSha));
  }

  async listParts(secretId: string, fileSha: string): Promise<PartRecord[]> {
    const entry = this.#sessions.get(keyOf(secretId, fileSha));
    return entry ? [...entry.parts.values()].map(({ part }) => ({ ...part })) : [];
  }

  async putPart(secretId: string, fileSha: string, part: PartRecord, chunks: readonly Uint8Array[]): Promise<void> {
    const entry = this.#sessions.get(keyOf(secretId, fileSha));
    if (!entry) throw new Error(`no session for ${fileSha}`);
    entry.parts.set(part.offset, { part: { ...part }, chunks: [...chunks] });
  }

  async readPart(secretId: string, fileSha: string, offset: number): Promise<readonly Uint8Array[]> {
    const stored = this.#sessions.get(keyOf(secretId, fileSha))?.parts.get(offset);
    if (!stored) throw new Error(`no part at offset ${offset}`);
    return stored.chunks;
  }

  async deleteParts(secretId: string, fileSha: string): Promise<void> {
    this.#sessions.get(keyOf(secretId, fileSha))?.parts.clear();
  }

  async getFileBySha(secretId: string, fileSha: string): Promise<FileRecord | undefined> {
    const id = this.#filesBySha.get(keyOf(secretId, fileSha));
    return id === undefined ? undefined : this.#filesById.get(id)?.record;
  }

  async getFileById(fileId: string): Promise<FileRecord | undefined> {
    return this.#filesById.get(fileId)?.record;
  }

  async createFileWriter(): Promise<FileWriter> {
    let chunks: Uint8Array[] = [];
    return {
      write: async (chunk) => {
        chunks.push(chunk);
      },
      commit: async (record) => {
        this.#filesById.set(record.fileId, { record: { ...record }, chunks });
        this.#filesBySha.set(keyOf(record.secretId, record.fileSha), record.fileId);
        chunks = [];
      },
      abort: async () => {
        chunks = [];
      },
    };
  }

  async readFile(fileId: string, start: number, end: number): Promise<ReadableStream<Uint8Array>> {
    const entry = this.#filesById.get(fileId);
    if (!entry) throw new Error(`no file ${fileId}`);
    const slices: Uint8Array[] = [];
    let position = 0;
    for (const chunk of entry.chunks) {
      const from = Math.max(start, position);
      const to = Math.min(end, position + chunk.length);
      if (from < to) slices.push(chunk.subarray(from - position, to - position));
      position += chunk.length;
      if (position >= end) break;
    }
    let index = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = slices[index++];
        if (next) controller.enqueue(next.slice());
        else controller.close();
      },
    });
  }

  async close(): Promise<void> {}
}
