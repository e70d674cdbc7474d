/**
 * A file read lazily through `Deno.open`: Deno has no file-backed Blob (`node:fs.openAsBlob`
 * reads the whole file into memory there), so uploads get a {@link FileSource} instead. The hasher
 * streams it once; each part is read when it is sent.
 */
import type { FileSource } from '../../core/source.js';
import { assertUploadableSize } from '../shared/file-size.js';
import { denoApi, type DenoFileInfo, type DenoFsFile } from './deno-api.js';

/** Chunk size of `stream()`: large reads are what makes Deno's file reading fast. */
const CHUNK = 1 << 20;
/** How often (ms) the open handle's size and mtime are checked again while parts are read. */
const RECHECK_MS = 1000;

const mtimeOf = (info: DenoFileInfo): number => info.mtime?.getTime() ?? 0;

/**
 * A file on disk as an upload source. Made by `openFile`; it fails to read if the file changes.
 * Parts are read through one handle, opened on the first read and kept until `close()` (the
 * upload engine calls it when a run ends; a later read opens the file again). Deno's file has no
 * positioned read, so reads take turns: each seeks, then reads its part whole.
 */
export class DenoFile implements FileSource {
  /** The path it was opened with. */
  readonly path: string;
  /** The path's base name. */
  readonly name: string;
  /** Size in bytes when opened. */
  readonly size: number;
  /** Modification time in ms when opened. */
  readonly lastModified: number;

  /** Made by `openFile`; `info` is the file's stat. */
  constructor(path: string, name: string, info: DenoFileInfo) {
    this.path = path;
    this.name = name;
    this.size = info.size;
    this.lastModified = mtimeOf(info);
  }

  /** Opens the file, checking it is still the one measured when this source was made. */
  private async open(): Promise<DenoFsFile> {
    const file = await denoApi().open(this.path, { read: true });
    try {
      const info = await file.stat();
      if (info.size !== this.size || mtimeOf(info) !== this.lastModified) {
        throw new DOMException(`${this.path} changed since it was opened`, 'NotReadableError');
      }
      return file;
    } catch (error) {
      file.close();
      throw error;
    }
  }

  /** The handle parts are read through, while open. */
  #file: Promise<DenoFsFile> | undefined;
  /** When the open handle's size and mtime were last found unchanged. */
  #checkedAt = 0;
  /** The reads and the close, one after another (each seeks the shared handle). */
  #turns: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every earlier read or close has ended. */
  #inTurn<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#turns.then(task, task);
    this.#turns = run.catch(() => undefined);
    return run;
  }

  /** The shared handle: opened now if needed; size and mtime checked again at most once a second. */
  async #handle(): Promise<DenoFsFile> {
    if (!this.#file) {
      const opening = this.open();
      this.#file = opening;
      // A failed open is not kept: the next read tries again.
      opening.catch(() => this.#file === opening && (this.#file = undefined));
      const file = await opening;
      this.#checkedAt = Date.now();
      return file;
    }
    const file = await this.#file;
    if (Date.now() - this.#checkedAt >= RECHECK_MS) {
      const info = await file.stat();
      if (info.size !== this.size || mtimeOf(info) !== this.lastModified) {
        throw new DOMException(`${this.path} changed since it was opened`, 'NotReadableError');
      }
      this.#checkedAt = Date.now();
    }
    return file;
  }

  /** The bytes in `[start, end)` (clamped like `Blob.slice`), read now into an array of their own. */
  read(start: number, end: number): Promise<Uint8Array<ArrayBuffer>> {
    const from = Math.max(0, Math.min(start, this.size));
    const to = Math.max(from, Math.min(end, this.size));
    const bytes = new Uint8Array(to - from);
    if (bytes.length === 0) return Promise.resolve(bytes);
    return this.#inTurn(async () => this.#readInto(await this.#handle(), from, bytes));
  }

  /** Fills `bytes` from `from` on; throws when the file ends first. */
  async #readInto(file: DenoFsFile, from: number, bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
    await file.seek(from, 0);
    for (let filled = 0; filled < bytes.length; ) {
      const count = await file.read(bytes.subarray(filled));
      if (count === null || count === 0)
        throw new DOMException(`${this.path} ended before byte ${from + bytes.length}`, 'NotReadableError');
      filled += count;
    }
    return bytes;
  }

  /**
   * The bytes in `[start, end)` (clamped like `Blob.slice`), read now through a handle of their own,
   * so the file is checked for changes on every call (the upload engine reads parts with `read`).
   */
  async slice(start: number, end: number): Promise<Blob> {
    const from = Math.max(0, Math.min(start, this.size));
    const to = Math.max(from, Math.min(end, this.size));
    if (to === from) return new Blob([]);
    const file = await this.open();
    try {
      return new Blob([await this.#readInto(file, from, new Uint8Array(to - from))]);
    } finally {
      file.close();
    }
  }

  /** Closes the handle parts are read through, after the reads in progress. Reading again opens the file again. */
  close(): Promise<void> {
    return this.#inTurn(async () => {
      const opening = this.#file;
      this.#file = undefined;
      const file = await opening?.catch(() => undefined);
      try {
        file?.close();
      } catch {
        // Already closed: nothing to release.
      }
    });
  }

  /** Every byte once, in chunks of up to 1 MiB; the file is open only while the stream is. */
  stream(): ReadableStream<Uint8Array> {
    let file: DenoFsFile | undefined;
    let position = 0;
    const close = (): void => {
      file?.close();
      file = undefined;
    };
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        try {
          file ??= await this.open();
          if (position >= this.size) {
            close();
            controller.close();
            return;
          }
          const chunk = new Uint8Array(Math.min(CHUNK, this.size - position));
          const count = await file.read(chunk);
          if (count === null || count === 0)
            throw new DOMException(`${this.path} ended at byte ${position} of ${this.size}`, 'NotReadableError');
          position += count;
          controller.enqueue(count === chunk.length ? chunk : chunk.subarray(0, count));
        } catch (error) {
          close();
          controller.error(error);
        }
      },
      cancel: close,
    });
  }
}

/** Opens `path` as a {@link DenoFile} named after its base name. */
export async function openDenoFile(path: string): Promise<DenoFile> {
  const info = await denoApi().stat(path);
  if (!info.isFile) throw new DOMException(`${path} is not a regular file`, 'NotFoundError');
  assertUploadableSize(path, info.size);
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  return new DenoFile(path, name, info);
}
