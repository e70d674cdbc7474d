/**
 * Client-side restrictions (size bounds, allowed types), checked from a source's size, name and
 * MIME type alone: a refused file is never read, hashed or sent. The same rules as the upload
 * proxy's limits, but refused before a browser hashes a 20 GB file the proxy would refuse anyway.
 */
import { VodArgumentError } from '../protocol/errors.js';
import type { ResolvedSource } from './source.js';

/**
 * What a file must satisfy to be uploaded (like Uppy's `restrictions`). Every rule is optional.
 *
 * @example
 * upload(file, { ...options, restrictions: { maxFileSize: 2 * 1024 ** 3, allowedTypes: ['video/*', '.mxf'] } });
 */
export interface UploadRestrictions {
  /** Largest accepted file, in bytes (inclusive). */
  maxFileSize?: number | undefined;
  /** Smallest accepted file, in bytes (inclusive). */
  minFileSize?: number | undefined;
  /**
   * Accepted types; a file passes when it matches any entry. An entry is an extension with its
   * dot (`'.mp4'`, compared with the file's `fileType` without case), a MIME type (`'video/mp4'`)
   * or a MIME family (`'video/*'`). MIME entries are compared with the Blob's `type`, or, when it
   * has none (a FileSource, a path), with the type its extension stands for in {@link VIDEO_MIME_TYPES}.
   */
  allowedTypes?: readonly string[] | undefined;
}

/** The name of a rule of {@link UploadRestrictions}. */
export type RestrictionRule = 'maxFileSize' | 'minFileSize' | 'allowedTypes';

/**
 * A file refused by a restriction before any byte of it was read. `parameter` is
 * `restrictions.<rule>`, `rule` the rule and `file` the file's name.
 */
export class VodRestrictionError extends VodArgumentError {
  /** The rule that refused the file. */
  readonly rule: RestrictionRule;
  /** The refused file's name (its base name and extension), or `(unnamed)`. */
  readonly file: string;
  /** Creates the error; the message names the file, the rule and why. */
  constructor(rule: RestrictionRule, file: string, reason: string) {
    super(`restrictions.${rule}`, reason);
    this.rule = rule;
    this.file = file;
    this.message = `${file} is refused by restrictions.${rule}: ${reason}`;
  }
}

/** The MIME type of each video extension VOD takes, for sources that carry no MIME type. */
export const VIDEO_MIME_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '3g2': 'video/3gpp2',
  '3gp': 'video/3gpp',
  asf: 'video/x-ms-asf',
  avi: 'video/x-msvideo',
  dat: 'video/mpeg',
  divx: 'video/divx',
  dv: 'video/x-dv',
  f4v: 'video/x-f4v',
  flv: 'video/x-flv',
  m2ts: 'video/mp2t',
  m2v: 'video/mpeg',
  m4v: 'video/x-m4v',
  mkv: 'video/x-matroska',
  mov: 'video/quicktime',
  mp4: 'video/mp4',
  mpeg: 'video/mpeg',
  mpg: 'video/mpeg',
  mts: 'video/mp2t',
  mxf: 'application/mxf',
  ogv: 'video/ogg',
  rm: 'application/vnd.rn-realmedia',
  rmvb: 'application/vnd.rn-realmedia-vbr',
  ts: 'video/mp2t',
  vob: 'video/dvd',
  webm: 'video/webm',
  wmv: 'video/x-ms-wmv',
});

/**
 * Every video extension of {@link VIDEO_MIME_TYPES} as an `allowedTypes` list (`'.mp4'`, …):
 * what the CLI takes from directories unless `--all`.
 */
export const VIDEO_TYPES: readonly string[] = Object.freeze(Object.keys(VIDEO_MIME_TYPES).map((extension) => `.${extension}`));

const RULES: ReadonlySet<string> = new Set<RestrictionRule>(['maxFileSize', 'minFileSize', 'allowedTypes']);
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/;
const EXTENSION = /^\.[a-z0-9]{1,16}$/;

/**
 * Checks a restrictions object: unknown rules (a typo such as `maxSize`) and bad values throw a
 * {@link VodArgumentError} naming the rule. Returns a normalised copy (types lower-cased).
 */
export function validateRestrictions(restrictions: unknown): UploadRestrictions {
  if (typeof restrictions !== 'object' || restrictions === null || Array.isArray(restrictions)) {
    throw new VodArgumentError('restrictions', 'an object with maxFileSize, minFileSize and/or allowedTypes', restrictions);
  }
  for (const name of Object.keys(restrictions)) {
    if (!RULES.has(name))
      throw new VodArgumentError(`restrictions.${name}`, 'one of maxFileSize, minFileSize, allowedTypes (no other rule exists)', name);
  }
  const { maxFileSize, minFileSize, allowedTypes } = restrictions as UploadRestrictions;
  for (const [name, value] of [
    ['maxFileSize', maxFileSize],
    ['minFileSize', minFileSize],
  ] as const) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new VodArgumentError(`restrictions.${name}`, 'a whole number of bytes ≥ 0', value);
    }
  }
  // Stryker disable next-line ConditionalExpression: a comparison with an absent bound (undefined) is false, so dropping either undefined test changes nothing
  if (maxFileSize !== undefined && minFileSize !== undefined && minFileSize > maxFileSize) {
    throw new VodArgumentError('restrictions.minFileSize', `at most maxFileSize (${maxFileSize})`, minFileSize);
  }
  const result: UploadRestrictions = {};
  if (maxFileSize !== undefined) result.maxFileSize = maxFileSize;
  if (minFileSize !== undefined) result.minFileSize = minFileSize;
  if (allowedTypes !== undefined) {
    if (!Array.isArray(allowedTypes) || allowedTypes.length === 0) {
      throw new VodArgumentError('restrictions.allowedTypes', "a non-empty array like ['.mp4', 'video/*']", allowedTypes);
    }
    result.allowedTypes = allowedTypes.map((entry: unknown) => {
      const type = typeof entry === 'string' ? entry.trim().toLowerCase() : '';
      if (!EXTENSION.test(type) && !MIME.test(type)) {
        throw new VodArgumentError(
          'restrictions.allowedTypes',
          "entries like '.mp4' (an extension with its dot), 'video/mp4' or 'video/*'",
          entry,
        );
      }
      return type;
    });
  }
  return result;
}

/** What the rules look at: the same fields a Blob, a File or a FileSource carries. */
export interface RestrictedFile {
  /** Size in bytes. */
  readonly size: number;
  /** The name shown in errors (base name with extension). */
  readonly name: string;
  /** The extension without its dot, as the upload will send it. */
  readonly fileType: string;
  /** The MIME type the source declares; empty or absent when unknown. */
  readonly mimeType?: string | undefined;
}

/**
 * The first rule `file` breaks, as an error (not thrown), or `undefined` when it passes. Reads
 * nothing but the fields given. `restrictions` must have passed {@link validateRestrictions}.
 */
export function findRestrictionFailure(file: RestrictedFile, restrictions: UploadRestrictions): VodRestrictionError | undefined {
  const label = file.name || `(unnamed).${file.fileType}`;
  const { maxFileSize, minFileSize, allowedTypes } = restrictions;
  if (maxFileSize !== undefined && file.size > maxFileSize) {
    return new VodRestrictionError('maxFileSize', label, `${file.size} bytes is more than the ${maxFileSize} allowed`);
  }
  if (minFileSize !== undefined && file.size < minFileSize) {
    return new VodRestrictionError('minFileSize', label, `${file.size} bytes is less than the ${minFileSize} required`);
  }
  if (allowedTypes !== undefined && !allowedTypes.some((type) => typeMatches(type, file))) {
    const mime = mimeTypeOf(file);
    const what = `.${file.fileType.toLowerCase()}${mime ? ` (${mime})` : ''}`;
    return new VodRestrictionError('allowedTypes', label, `${what} is not one of ${allowedTypes.join(', ')}`);
  }
  return undefined;
}

/** Throws the {@link VodRestrictionError} of the first rule a resolved source breaks. */
export function checkRestrictions(source: ResolvedSource, restrictions: UploadRestrictions | undefined): void {
  if (restrictions === undefined) return;
  // A Blob's `type`, or the same field on a FileSource that has one (an R2 or form-data file).
  const declared: unknown = (source.blob as { type?: unknown }).type;
  const mimeType = typeof declared === 'string' ? declared : undefined;
  const failure = findRestrictionFailure({ size: source.size, name: source.name, fileType: source.fileType, mimeType }, restrictions);
  if (failure) throw failure;
}

function mimeTypeOf(file: RestrictedFile): string | undefined {
  const declared = file.mimeType?.split(';')[0]?.trim().toLowerCase();
  return declared || VIDEO_MIME_TYPES[file.fileType.toLowerCase()];
}

function typeMatches(type: string, file: RestrictedFile): boolean {
  if (type.startsWith('.')) return type.slice(1) === file.fileType.toLowerCase();
  const mime = mimeTypeOf(file);
  if (!mime) return false;
  return type.endsWith('/*') ? mime.startsWith(type.slice(0, -1)) : mime === type;
}
