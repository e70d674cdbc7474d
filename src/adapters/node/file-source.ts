/**
 * A file on disk read by position through a file handle. Node 20's `fs.openAsBlob` reports sizes
 * modulo 2^32 (a 4 GiB file is "0 bytes"), so uploads never rely on it: the size comes from
 * `stat`, and every part is read with a positioned read, exact at any offset below 2^53. The
 * same code runs in Deno and Bun through their node:fs.
 */
import type { FileHandle } from 'node:fs/promises';
import type { FileSource } from '../../core/source.js';
import { VodArgumentError } from '../../protocol/errors.js';
import { assertUploadableSize } from '../shared/file-size.js';

/** Chunk size of `stream()`: what the inline hasher reads at a time. */
const STREAM_CHUNK = 1 << 20;

type FsPromises = typeof import('node:fs/promises');

const notReadable = (message: string): DOMException => new DOMException(message, 'NotReadableError');

/** How long a file's size and mtime are trusted before a part read checks them again. */
const RECHECK_MS = 1000;
/** Part buffers kept for reuse: about the parts in flight, so memory stays flat. */
const MAX_SPARE_BUFFERS = 8;

/**
 * A file as an upload source. Made by `openFile`; reading fails once the file has changed.
 *
 * Parts are read through one file handle, opened on the first `read` and kept until `close()`
 * (the upload engine calls it when a run ends: done, failed, paused or aborted; a later read opens
 * the file again). Buffers the engine hands back with `recycle()` are read into again, so a long
 * upload does not allocate (and page-fault) a fresh buffer per part.
 */
export class NodeFile implements FileSource {
  /** The path it was opened with. */
  readonly path: string;
  /** The path's base name. */
  readonly name: string;
  /** Size in bytes when opened. */
  readonly size: number;
  /** The modification time in whole ms (`File.lastModified`). */
  readonly lastModified: number;
  /** The exact mtime, as the file system reports it, for change detection. */
  readonly mtimeMs: number;
  readonly #fs: FsPromises;
  /** The handle `read` uses, while open. */
  #handle: Promise<FileHandle> | undefined;
  /** When the open handle's size and mtime were last found unchanged. */
  #checkedAt = 0;
  /** Reads using the handle right now: `close()` waits for them. */
  #reading = 0;
  /** `close()` calls waiting for the reads in progress to end. */
  #closeWaiters: (() => void)[] = [];
  /** Buffers handed back by `recycle()`, ready to be read into. */
  #spare: Uint8Array<ArrayBuffer>[] = [];
  /** Arrays `read` returned and not yet recycled: only those are taken back. */
  readonly #lent = new WeakSet<Uint8Array>();

  /** Made by `openFile`; `stats` are the file's size and mtime when opened. */
  constructor(fs: FsPromises, path: string, name: string, stats: { size: number; mtimeMs: number }) {
    this.#fs = fs;
    this.path = path;
    this.name = name;
    this.size = stats.size;
    this.mtimeMs = stats.mtimeMs;
    this.lastModified = Math.floor(stats.mtimeMs);
  }

  /** Throws when the open file's size or mtime is not the one measured when this source was made. */
  async #assertUnchanged(handle: FileHandle): Promise<void> {
    const now = await handle.stat();
    if (now.size !== this.size || now.mtimeMs !== this.mtimeMs) throw notReadable(`${this.path} changed since it was opened`);
  }

  /** Opens the file, checking it is still the one measured when this source was made. */
  async #open(): Promise<FileHandle> {
    const handle = await this.#fs.open(this.path, 'r');
    try {
      await this.#assertUnchanged(handle);
      return handle;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Fills `into` from `position` on; throws when the file ends first. */
  async #readFully(handle: FileHandle, into: Uint8Array, position: number): Promise<void> {
    for (let filled = 0; filled < into.length; ) {
      const { bytesRead } = await handle.read(into, filled, into.length - filled, position + filled);
      if (bytesRead === 0) throw notReadable(`${this.path} ended at byte ${position + filled} of ${this.size}`);
      filled += bytesRead;
    }
  }

  /** Runs `task` with the shared handle (opened now if needed; size and mtime checked at most once a second). */
  async #withHandle<T>(task: (handle: FileHandle) => Promise<T>): Promise<T> {
    this.#reading += 1;
    try {
      if (!this.#handle) {
        const opening = this.#open();
        this.#handle = opening;
        // A failed open is not kept: the next read tries again.
        opening.catch(() => this.#handle === opening && (this.#handle = undefined));
        await opening;
        this.#checkedAt = Date.now();
      }
      const handle = await this.#handle;
      if (Date.now() - this.#checkedAt >= RECHECK_MS) {
        await this.#assertUnchanged(handle);
        this.#checkedAt = Date.now();
      }
      return await task(handle);
    } finally {
      this.#reading -= 1;
      if (this.#reading === 0 && this.#closeWaiters.length > 0) {
        const waiters = this.#closeWaiters.splice(0);
        void this.#closeHandle().then(() =>
          waiters.forEach((resolve) => {
            resolve();
          }),
        );
      }
    }
  }

  async #closeHandle(): Promise<void> {
    const open = this.#handle;
    this.#handle = undefined;
    const handle = await open?.catch(() => undefined);
    await handle?.close().catch(() => undefined);
  }

  /** A buffer of `length` bytes to read into: a recycled one when there is one big enough. */
  #buffer(length: number): Uint8Array<ArrayBuffer> {
    const spare = this.#spare.shift();
    if (spare && spare.byteLength >= length) return spare.subarray(0, length);
    return new Uint8Array(length);
  }

  /** The bytes in `[start, end)` (clamped like `Blob.slice`), read now with one positioned read. */
  async slice(start: number, end: number): Promise<Blob> {
    return new Blob([await this.read(start, end)]);
  }

  /**
   * The bytes in `[start, end)` (clamped like `Blob.slice`) in an array of their own, until it is
   * handed to {@link recycle}.
   */
  async read(start: number, end: number): Promise<Uint8Array<ArrayBuffer>> {
    const from = Math.max(0, Math.min(start, this.size));
    const to = Math.max(from, Math.min(end, this.size));
    if (to === from) return new Uint8Array(0);
    const bytes = this.#buffer(to - from);
    await this.#withHandle((handle) => this.#readFully(handle, bytes, from));
    this.#lent.add(bytes);
    return bytes;
  }

  /**
   * Takes back an array that {@link read} returned, to read later parts into it. Only for bytes
   * nobody uses any more: the engine hands a part back once the service acknowledged it (so the
   * request body was sent whole). Anything else is ignored.
   */
  recycle(bytes: Uint8Array): void {
    if (!this.#lent.delete(bytes) || this.#spare.length >= MAX_SPARE_BUFFERS) return;
    this.#spare.push(new Uint8Array(bytes.buffer as ArrayBuffer));
  }

  /**
   * Closes the file handle `read` uses (after the reads in progress) and drops the spare
   * buffers. Reading again opens the file again.
   */
  close(): Promise<void> {
    this.#spare = [];
    if (this.#reading === 0) return this.#closeHandle();
    return new Promise((resolve) => this.#closeWaiters.push(resolve));
  }

  /** Every byte once, in chunks of up to 1 MiB; the file is open only while the stream is. */
  stream(): ReadableStream<Uint8Array> {
    let handle: FileHandle | undefined;
    let position = 0;
    const close = async (): Promise<void> => {
      const open = handle;
      handle = undefined;
      await open?.close().catch(() => undefined);
    };
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        try {
          handle ??= await this.#open();
          if (position >= this.size) {
            await close();
            controller.close();
            return;
          }
          const chunk = new Uint8Array(Math.min(STREAM_CHUNK, this.size - position));
          await this.#readFully(handle, chunk, position);
          position += chunk.length;
          controller.enqueue(chunk);
        } catch (error) {
          await close();
          controller.error(error);
        }
      },
      cancel: close,
    });
  }
}

/** Opens `path` as a {@link NodeFile}: a regular file below 2^53 bytes, named after its base name. */
export async function openNodeFile(path: string): Promise<NodeFile> {
  if (typeof path !== 'string' || path === '') throw new VodArgumentError('path', 'a file path', path);
  const [fs, { basename }] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  const stats = await fs.stat(path);
  if (!stats.isFile()) throw new VodArgumentError('path', 'a regular file', path);
  const size = assertUploadableSize(path, stats.size);
  return new NodeFile(fs, path, basename(path), { size, mtimeMs: stats.mtimeMs });
}
