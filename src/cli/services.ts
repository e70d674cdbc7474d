/**
 * What the CLI needs from its runtime: files as Blobs (read lazily from disk), a hasher, and a
 * checkpoint store in a directory. Node, Deno and Bun all provide node:fs and node:crypto.
 */
import { openAsBlob } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, platform } from 'node:os';
import { join } from 'node:path';
import { nodeCryptoEngine } from '../adapters/node/native-hash-engine.js';
import type { CheckpointStore } from '../core/index.js';
import { createInlineHasher, type Hasher } from '../hasher/index.js';

/** A file-backed Blob: bytes are read as the upload streams them, never loaded whole. */
export async function openFile(path: string): Promise<Blob> {
  return openAsBlob(path);
}

/** Native OpenSSL hashing (hundreds of MB/s), on the calling thread: I/O overlaps it anyway. */
export function createCliHasher(): Hasher {
  return createInlineHasher({ engines: [nodeCryptoEngine] });
}

/** The user cache directory for checkpoints: XDG on Linux, Library/Caches on macOS, LOCALAPPDATA on Windows. */
export function defaultCheckpointDir(env: Record<string, string | undefined> = process.env): string {
  if (platform() === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'vod-upload', 'checkpoints');
  if (platform() === 'darwin') return join(homedir(), 'Library', 'Caches', 'vod-upload', 'checkpoints');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'vod-upload', 'checkpoints');
}

const KEY = /^[0-9a-f]{64}$/;

/**
 * Checkpoints as one JSON file per key in `dir`, written to a temporary file then renamed so a
 * crash never leaves half a record. Keys are SHA-256 hex (checkpoint.ts), safe as file names.
 */
export function createDirectoryStore(dir: string): CheckpointStore {
  const pathOf = (key: string): string => {
    if (!KEY.test(key)) throw new Error(`checkpoint key must be 64 hex digits, got ${JSON.stringify(key.slice(0, 80))}`);
    return join(dir, `${key}.json`);
  };
  return {
    async get(key) {
      try {
        return JSON.parse(await readFile(pathOf(key), 'utf8')) as unknown;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async set(key, value) {
      const path = pathOf(key);
      await mkdir(dir, { recursive: true });
      const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(temp, JSON.stringify(value));
      await rename(temp, path);
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}
