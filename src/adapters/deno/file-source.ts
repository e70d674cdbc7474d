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

const mtimeOf = (info: DenoFileInfo): number => info.mtime?.getTime() ?? 0;

/** A file on disk as an upload source. Made by `openFile`; it fails to read if the file changes. */
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

  /** The bytes in `[start, end)` (clamped like `Blob.slice`), read now. */
  async slice(start: number, end: number): Promise<Blob> {
    const from = Math.max(0, Math.min(start, this.size));
    const to = Math.max(from, Math.min(end, this.size));
    const bytes = new Uint8Array(to - from);
    if (bytes.length === 0) return new Blob([]);
    const file = await this.open();
    try {
      await file.seek(from, 0);
      for (let filled = 0; filled < bytes.length; ) {
        const count = await file.read(bytes.subarray(filled));
        if (count === null || count === 0) throw new DOMException(`${this.path} ended before byte ${to}`, 'NotReadableError');
        filled += count;
      }
    } finally {
      file.close();
    }
    return new Blob([bytes]);
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
