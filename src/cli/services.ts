/**
 * What the CLI takes from `vod-upload/node`: files read lazily by position, node:crypto hashing on a
 * worker thread, and checkpoints in a directory. Deno and Bun run the same code through their
 * node: compatibility.
 */
import { createDirectoryCheckpointStore, createNodeHasher, openFile as openNodeFile, type NodeFile } from '../adapters/node/index.js';
import type { CheckpointStore } from '../core/index.js';
import type { Hasher } from '../hasher/index.js';

/** A file read by position (base name, mtime, any size): bytes are read as parts are sent, never loaded whole. */
export function openFile(path: string): Promise<NodeFile> {
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
