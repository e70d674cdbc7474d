/**
 * Checkpoints in a directory, for server runtimes: one JSON file per key, written to a temporary
 * file and renamed over the old one, so a crash or a concurrent writer never leaves half a record.
 * node:fs/promises is loaded on first use (Node, Deno and Bun all provide it): importing this
 * module touches no file system.
 */
import type { CheckpointStore } from '../../core/checkpoint.js';
import { VodArgumentError } from '../../protocol/errors.js';

/** Checkpoint keys are SHA-256 hex (core/checkpoint.ts); anything file-name safe is accepted. */
const SAFE_KEY = /^[A-Za-z0-9_-]{1,128}$/;

/** A directory, or how to find it when first needed (e.g. the user's cache directory). */
export type DirectorySpec = string | (() => string | Promise<string>);

/** A {@link CheckpointStore} kept in a directory; it lists its keys (see `findPendingUploads`). */
export interface DirectoryCheckpointStore extends CheckpointStore {
  /** The keys of the checkpoints in the directory (none when it does not exist yet). */
  keys(): Promise<string[]>;
  /** The directory (resolved on first use when it was given as a function). */
  directory(): Promise<string>;
}

type Fs = typeof import('node:fs/promises');

/**
 * Creates a store in `dir` (created on the first write). A file that is not JSON is returned as
 * its text, which the core reports as a corrupt checkpoint and deletes.
 */
export function createDirectoryCheckpointStore(dir: DirectorySpec): DirectoryCheckpointStore {
  if (typeof dir !== 'function' && (typeof dir !== 'string' || dir === '')) {
    throw new VodArgumentError('dir', 'a directory path, or a function returning one', dir);
  }
  let resolved: Promise<{ fs: Fs; dir: string }> | undefined;
  const setup = (): Promise<{ fs: Fs; dir: string }> => {
    if (!resolved) {
      resolved = (async () => {
        const [fs, path] = await Promise.all([import('node:fs/promises'), typeof dir === 'function' ? dir() : dir]);
        if (typeof path !== 'string' || path === '') throw new VodArgumentError('dir', 'a non-empty directory path', path);
        return { fs, dir: path };
      })();
      // A failed lookup (e.g. no permission to read the environment) is tried again next time.
      resolved.catch(() => (resolved = undefined));
    }
    return resolved;
  };
  const fileOf = async (key: string): Promise<{ fs: Fs; dir: string; file: string }> => {
    if (typeof key !== 'string' || !SAFE_KEY.test(key)) throw new VodArgumentError('key', 'letters, digits, _ or -, at most 128', key);
    const { fs, dir: base } = await setup();
    return { fs, dir: base, file: joinPath(base, `${key}.json`) };
  };

  return {
    async directory() {
      return (await setup()).dir;
    },
    async get(key) {
      const { fs, file } = await fileOf(key);
      let text: string;
      try {
        text = await fs.readFile(file, 'utf8');
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return undefined;
        throw error;
      }
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    },
    async set(key, value) {
      const { fs, dir: base, file } = await fileOf(key);
      const text = JSON.stringify(value);
      if (text === undefined) throw new VodArgumentError('value', 'a JSON-able value', value);
      await fs.mkdir(base, { recursive: true });
      const temporary = `${file}.${crypto.randomUUID()}.tmp`;
      try {
        await fs.writeFile(temporary, text);
        await fs.rename(temporary, file);
      } catch (error) {
        await fs.rm(temporary, { force: true }).catch(() => undefined);
        throw error;
      }
    },
    async delete(key) {
      const { fs, file } = await fileOf(key);
      await fs.rm(file, { force: true });
    },
    async keys() {
      const { fs, dir: base } = await setup();
      let names: string[];
      try {
        names = await fs.readdir(base);
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return [];
        throw error;
      }
      // Temporary files of a write in progress end in .tmp and are not keys.
      return names.filter((name) => name.endsWith('.json') && SAFE_KEY.test(name.slice(0, -5))).map((name) => name.slice(0, -5));
    },
  };
}

/** Where checkpoints go by default: the user's cache directory, shared with the CLI. */
export function defaultCheckpointDir(platform: string, env: (name: string) => string | undefined, home: string): string {
  const sep = platform === 'win32' || platform === 'windows' ? '\\' : '/';
  const join = (...parts: string[]): string => parts.join(sep);
  if (sep === '\\') return join(env('LOCALAPPDATA') || join(home, 'AppData', 'Local'), 'vod-upload', 'checkpoints');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'vod-upload', 'checkpoints');
  return join(env('XDG_CACHE_HOME') || join(home, '.cache'), 'vod-upload', 'checkpoints');
}

/** {@link defaultCheckpointDir} where node:os and node:process exist (Node, Bun); they are imported when it is called. */
export async function processCheckpointDir(): Promise<string> {
  const [os, { env }] = await Promise.all([import('node:os'), import('node:process')]);
  return defaultCheckpointDir(os.platform(), (name) => env[name], os.homedir());
}

function joinPath(dir: string, name: string): string {
  return /[\\/]$/.test(dir) ? dir + name : `${dir}/${name}`;
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}
