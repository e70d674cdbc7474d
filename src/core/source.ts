/**
 * What is being uploaded: a Blob (or a lazily read {@link FileSource}) plus the identity and
 * names the protocol needs.
 */
import { VodArgumentError } from '../protocol/errors.js';
import { FILE_TYPE_PATTERN, LIMITS, PART_SIZES, type PartSize } from '../protocol/constants.js';

/**
 * A file read lazily by byte range, for runtimes whose file APIs give no file-backed Blob (Deno)
 * and for objects read by range (e.g. an R2 object). The engine only ever calls `stream()` once
 * per hash job and `slice()` once per part sent, so memory holds at most the parts in flight.
 * A Blob has this shape too.
 */
export interface FileSource {
  /** Total bytes; must not change while the upload runs. */
  readonly size: number;
  /** The file's name with its extension (a base name or a path). */
  readonly name?: string | undefined;
  /** Modification time in ms: with name and size, the checkpoint identity. */
  readonly lastModified?: number | undefined;
  /** The full path where there is one (a file on disk): part of the checkpoint identity. */
  readonly path?: string | undefined;
  /** The bytes in `[start, end)` (one part at most), read when the part is sent. */
  slice(start: number, end: number): Blob | Promise<Blob>;
  /**
   * Optional, and preferred over `slice` for sending parts: the bytes in `[start, end)` as an
   * array of their own. A runtime that reads files by position (Node's `NodeFile`) hands fetch
   * the bytes it read, without wrapping them in a Blob that fetch then streams out again.
   */
  read?(start: number, end: number): Promise<Uint8Array>;
  /**
   * Optional: takes back an array `read` returned, to read a later part into it. The engine calls
   * it once the service acknowledged that part (its request body was sent whole), never for a
   * part still being sent or retried.
   */
  recycle?(bytes: Uint8Array): void;
  /**
   * Optional: the engine is done reading for now (the upload finished, failed, paused or was
   * aborted), so the source may let go of open files and spare buffers. Reading again after it
   * must still work.
   */
  close?(): Promise<void>;
  /** Every byte once, in order: what the hasher reads. */
  stream(): ReadableStream<Uint8Array>;
}

/** A file to upload: a Blob/File, a Blob with its name given separately, or a {@link FileSource}. */
export type UploadSource = Blob | FileSource;

/** A source with everything the upload needs to know about it. */
export interface ResolvedSource {
  /** The source itself (kept under its old name: it is a Blob unless a FileSource was given). */
  blob: UploadSource;
  size: number;
  /** Name as given by the source or the caller, extension included (used for checkpoint identity). */
  name: string;
  lastModified: number;
  /** The source's full path, when it has one (see {@link FileSource.path}). */
  path: string | undefined;
  fileName: string;
  fileType: string;
}

/** How the file is named to the service, and identified for checkpoints. */
export interface NamingOptions {
  /** The name without extension; default from the source's name. */
  fileName?: string | undefined;
  /** The extension without the dot; default from the source's name. */
  fileType?: string | undefined;
  /** The source's name when the Blob carries none (e.g. a path's base name). */
  name?: string | undefined;
  /** The source's modification time when the Blob carries none. */
  lastModified?: number | undefined;
}

// The protocol's forbidden characters, plus `&`, `=` and control characters: a signing endpoint
// or proxy refuses those in any value, since the string to sign joins raw values (PROTOCOL.md).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
const FORBIDDEN = /[\\/:*?"<>&=\u0000-\u001f\u007f-\u009f]/g;
const encoder = new TextEncoder();

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let result = '';
  for (const char of text) {
    const length = encoder.encode(char).length;
    if (bytes + length > maxBytes) break;
    bytes += length;
    result += char;
  }
  return result;
}

/** `clip.final.mp4` → `{ base: 'clip.final', extension: 'mp4' }`; no dot → no extension. */
export function splitName(name: string): { base: string; extension: string | undefined } {
  const slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  const leaf = name.slice(slash + 1);
  const dot = leaf.lastIndexOf('.');
  if (dot <= 0) return { base: leaf, extension: undefined };
  return { base: leaf.slice(0, dot), extension: leaf.slice(dot + 1) };
}

/** Makes any name acceptable to the protocol and to signers: forbidden characters, `&`, `=` and controls → `_`, at most 40 UTF-8 bytes. */
export function sanitizeFileName(base: string): string {
  const cleaned = truncateUtf8(base.replace(FORBIDDEN, '_').trim(), LIMITS.fileNameBytes);
  return cleaned.length > 0 ? cleaned : 'video';
}

/** Whether `value` has the {@link FileSource} shape (a Blob has it too). */
export function isFileSource(value: unknown): value is FileSource {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof FileSource, unknown>>;
  return (
    typeof candidate.size === 'number' &&
    Number.isSafeInteger(candidate.size) &&
    candidate.size >= 0 &&
    typeof candidate.slice === 'function' &&
    typeof candidate.stream === 'function'
  );
}

/** Validates a source and derives its protocol names. Throws before any request. */
export function resolveSource(source: UploadSource, options: NamingOptions = {}): ResolvedSource {
  if (!(source instanceof Blob) && !isFileSource(source)) {
    throw new VodArgumentError('source', 'a Blob, a File, or a FileSource ({ size, slice(start, end), stream() })', source);
  }
  if (source.size === 0) throw new VodArgumentError('source', 'a file of at least 1 byte (the protocol has no empty files)', '0 bytes');
  const name = options.name ?? ('name' in source && typeof source.name === 'string' ? source.name : '');
  const lastModified =
    options.lastModified ?? ('lastModified' in source && typeof source.lastModified === 'number' ? source.lastModified : 0);
  const { base, extension } = splitName(name);
  const fileType = (options.fileType ?? extension)?.replace(/^\./, '');
  if (fileType === undefined || fileType.length === 0) {
    throw new VodArgumentError('fileType', `an extension like "mp4" (the source name ${JSON.stringify(name)} has none; pass fileType)`);
  }
  if (!FILE_TYPE_PATTERN.test(fileType)) {
    throw new VodArgumentError('fileType', 'letters and digits only, at most 16, like "mp4"', fileType);
  }
  if (options.fileName !== undefined && typeof options.fileName !== 'string') {
    throw new VodArgumentError('fileName', 'a string', options.fileName);
  }
  return {
    blob: source,
    size: source.size,
    name,
    lastModified,
    path: 'path' in source && typeof source.path === 'string' && source.path !== '' ? source.path : undefined,
    fileName: sanitizeFileName(options.fileName ?? base),
    fileType,
  };
}

/** Checks a part size option: 524288 or 1048576 (`512k`/`1m` spelled as numbers). */
export function validatePartSize(partSize: unknown): PartSize {
  if (!PART_SIZES.includes(partSize as PartSize)) {
    throw new VodArgumentError('partSize', '524288 (512 KiB) or 1048576 (1 MiB)', partSize);
  }
  return partSize as PartSize;
}

/** One part of a file: where it starts and how many bytes it has. */
export interface PartSpan {
  /** 0-based position in the file. */
  index: number;
  /** Where the part starts, in bytes. */
  offset: number;
  /** Its length in bytes. */
  size: number;
}

/** Splits `size` bytes into parts of `partSize`, the last one shorter when it does not divide. */
export function planParts(size: number, partSize: number): PartSpan[] {
  const parts: PartSpan[] = [];
  for (let offset = 0, index = 0; offset < size; offset += partSize, index++) {
    parts.push({ index, offset, size: Math.min(partSize, size - offset) });
  }
  return parts;
}
