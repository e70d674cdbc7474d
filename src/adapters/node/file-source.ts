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

/** A file as an upload source. Made by `openFile`; reading fails once the file has changed. */
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

  /** Made by `openFile`; `stats` are the file's size and mtime when opened. */
  constructor(fs: FsPromises, path: string, name: string, stats: { size: number; mtimeMs: number }) {
    this.#fs = fs;
    this.path = path;
    this.name = name;
    this.size = stats.size;
    this.mtimeMs = stats.mtimeMs;
    this.lastModified = Math.floor(stats.mtimeMs);
  }

  /** Opens the file, checking it is still the one measured when this source was made. */
  async #open(): Promise<FileHandle> {
    const handle = await this.#fs.open(this.path, 'r');
    try {
      const now = await handle.stat();
      if (now.size !== this.size || now.mtimeMs !== this.mtimeMs) throw notReadable(`${this.path} changed since it was opened`);
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

  /** The bytes in `[start, end)` (clamped like `Blob.slice`), read now with one positioned read. */
  async slice(start: number, end: number): Promise<Blob> {
    return new Blob([await this.read(start, end)]);
  }

  /** The bytes in `[start, end)` (clamped like `Blob.slice`) as a fresh array. */
  async read(start: number, end: number): Promise<Uint8Array<ArrayBuffer>> {
    const from = Math.max(0, Math.min(start, this.size));
    const to = Math.max(from, Math.min(end, this.size));
    const bytes = new Uint8Array(to - from);
    if (bytes.length === 0) return bytes;
    const handle = await this.#open();
    try {
      await this.#readFully(handle, bytes, from);
    } finally {
      await handle.close();
    }
    return bytes;
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
