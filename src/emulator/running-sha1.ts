/**
 * The SHA-1 of each session's parts, computed while they arrive, so FinishUpload does not read
 * and hash the whole file again. Parts are hashed in offset order: the part that is next is hashed
 * from the chunks in hand, and parts that came early are read back from storage when their turn
 * comes (with a few parts in flight, most arrive in order). Anything that could make the running
 * digest differ from the stored parts (a part stored again at an offset already hashed, a failed
 * read back, a restart) drops it, and FinishUpload hashes the stored parts as before.
 */
import type { Digest, EmulatorHashing } from './hashing.js';

interface Running {
  digest: Digest;
  /** The first offset not yet hashed. */
  next: number;
  /** Offsets stored but not hashed yet, because an earlier part was missing. */
  early: Set<number>;
  broken: boolean;
  /** Steps run one after another: a step may wait for a read back. */
  work: Promise<void>;
}

/** Reads a stored part back (for parts that arrived early). */
export type ReadStoredPart = (offset: number) => Promise<readonly Uint8Array[]>;

/** Running SHA-1 digests by session key. */
export class RunningSha1 {
  readonly #hashing: EmulatorHashing;
  readonly #sessions = new Map<string, Running>();

  constructor(hashing: EmulatorHashing) {
    this.#hashing = hashing;
  }

  /** A part at `offset` was stored with these bytes. */
  stored(key: string, offset: number, chunks: readonly Uint8Array[], readBack: ReadStoredPart): void {
    let running = this.#sessions.get(key);
    if (!running) {
      running = { digest: this.#hashing.sha1(), next: 0, early: new Set(), broken: false, work: Promise.resolve() };
      this.#sessions.set(key, running);
    }
    const entry = running;
    entry.work = entry.work.then(async () => {
      if (entry.broken) return;
      if (offset < entry.next) {
        entry.broken = true;
        return;
      }
      if (offset > entry.next) {
        entry.early.add(offset);
        return;
      }
      entry.next += update(entry.digest, chunks);
      try {
        while (!entry.broken && entry.early.delete(entry.next)) entry.next += update(entry.digest, await readBack(entry.next));
      } catch {
        entry.broken = true;
      }
    });
  }

  /** The SHA-1 of bytes `[0, size)` when every part was hashed in order, else `undefined`. Forgets the session. */
  async take(key: string, size: number): Promise<string | undefined> {
    const running = this.#sessions.get(key);
    if (!running) return undefined;
    await running.work;
    if (this.#sessions.get(key) !== running) return undefined;
    this.#sessions.delete(key);
    return !running.broken && running.next === size ? running.digest.hex() : undefined;
  }

  /** The session's parts were dropped or it ended: start from nothing. */
  forget(key: string): void {
    const running = this.#sessions.get(key);
    if (running) running.broken = true;
    this.#sessions.delete(key);
  }
}

function update(digest: Digest, chunks: readonly Uint8Array[]): number {
  let length = 0;
  for (const chunk of chunks) {
    digest.update(chunk);
    length += chunk.length;
  }
  return length;
}
