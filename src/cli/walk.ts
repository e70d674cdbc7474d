/**
 * Turns the command line's paths into the list of files to upload: files as given, directories
 * walked (video files only unless `all`), duplicates removed, in a stable order.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { findRestrictionFailure, validateRestrictions, VIDEO_TYPES } from '../core/restrictions.js';
import { UsageError } from './usage-error.js';

/** Extensions taken from directories by default (VOD accepts these as video): the library's `VIDEO_TYPES`. */
export const VIDEO_EXTENSIONS: ReadonlySet<string> = new Set(VIDEO_TYPES.map((type) => type.slice(1)));

/** The directory filter as upload restrictions: the rules `restrictions.allowedTypes` applies in the library. */
const VIDEO_RULES = validateRestrictions({ allowedTypes: VIDEO_TYPES });

/** One file to upload. */
export interface FoundFile {
  /** As shown to the user: relative to the working directory when inside it. */
  display: string;
  absolute: string;
  /** Base name (the protocol's file name comes from it). */
  name: string;
  size: number;
  mtimeMs: number;
}

export interface WalkOptions {
  /** Every file in directories, not only {@link VIDEO_EXTENSIONS}. */
  all: boolean;
  /** Base for relative paths. Default the working directory. */
  cwd?: string;
  /** Told about a directory inside the tree that could not be read; the walk goes on. */
  onSkip?: (path: string, reason: string) => void;
}

/** Guards against pathological trees. */
const MAX_DEPTH = 32;
const MAX_FILES = 100_000;

/** Whether a directory entry passes the video filter (what `--all` turns off). */
export function isVideoName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && findRestrictionFailure({ size: 0, name, fileType: name.slice(dot + 1) }, VIDEO_RULES) === undefined;
}

/**
 * Lists the files named by `paths`. A path that does not exist is a usage error (exit 2);
 * hidden entries (`.git`, `.vod-data`) and directory symlinks are not followed in directories.
 */
export async function collectFiles(paths: readonly string[], options: WalkOptions): Promise<FoundFile[]> {
  const cwd = options.cwd ?? process.cwd();
  const found = new Map<string, FoundFile>();
  const missing: string[] = [];
  const add = (absolute: string, size: number, mtimeMs: number): void => {
    if (found.size >= MAX_FILES) throw new UsageError(`more than ${MAX_FILES} files: name fewer directories`);
    if (found.has(absolute)) return;
    const rel = relative(cwd, absolute);
    const display = rel !== '' && !rel.startsWith('..') ? rel : absolute;
    found.set(absolute, { display, absolute, name: basename(absolute), size, mtimeMs });
  };

  const walk = async (directory: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) return;
    let entries;
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      // The directory named on the command line must be readable; one deeper inside may not be.
      if (depth === 0) throw new UsageError(`cannot read ${directory}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 1);
      options.onSkip?.(directory, (error as NodeJS.ErrnoException).code ?? String(error));
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(directory, entry.name);
      if (entry.isDirectory()) await walk(path, depth + 1);
      else if ((entry.isFile() || entry.isSymbolicLink()) && (options.all || isVideoName(entry.name))) {
        // A symlink counts when it points at a file (never at a directory: no loops).
        const info = await stat(path).catch(() => undefined);
        if (info?.isFile()) add(path, info.size, info.mtimeMs);
      }
    }
  };

  for (const path of paths) {
    const absolute = resolve(cwd, path);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) missing.push(path);
    else if (info.isDirectory()) await walk(absolute, 0);
    else if (info.isFile()) add(absolute, info.size, info.mtimeMs);
    else missing.push(`${path} (not a regular file)`);
  }
  if (missing.length > 0) throw new UsageError(`no such file or directory: ${missing.join(', ')}`);
  return [...found.values()];
}
