/**
 * What the CLI takes from `vod-upload/node`: files as lazily read Blobs, node:crypto hashing on a
 * worker thread, and checkpoints in a directory. Deno and Bun run the same code through their
 * node: compatibility.
 */
import { createDirectoryCheckpointStore, createNodeHasher, openFile as openNodeFile } from '../adapters/node/index.js';
import type { CheckpointStore } from '../core/index.js';
import type { Hasher } from '../hasher/index.js';

/** A file-backed File (base name, mtime): bytes are read as the upload streams them, never loaded whole. */
export function openFile(path: string): Promise<File> {
  return openNodeFile(path);
}

/** Native OpenSSL hashing off the event loop, so progress bars and requests stay smooth. */
export function createCliHasher(): Hasher & { close(): void } {
  return createNodeHasher();
}

/** Checkpoints in `dir`, or in the user cache directory when `dir` is undefined. */
export function createCheckpointStore(dir: string | undefined): CheckpointStore {
  return createDirectoryCheckpointStore(dir);
}
