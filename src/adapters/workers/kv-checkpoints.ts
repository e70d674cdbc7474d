/**
 * Checkpoints in a key-value store shaped like Cloudflare Workers KV, so a resumed upload in a
 * later request (or another isolate) skips hashing. KV is eventually consistent: a checkpoint
 * written in one location may be missed in another for up to a minute, which only costs a re-hash.
 */
import { DEFAULT_CHECKPOINT_MAX_AGE_MS, type CheckpointStore } from '../../core/checkpoint.js';
import { VodArgumentError } from '../../protocol/errors.js';

/** The part of a Workers KV namespace binding this store uses. */
export interface KvLike {
  /** Reads a JSON value (`null` when missing). */
  get(key: string, type: 'json'): Promise<unknown>;
  /** Writes a value, expiring after `expirationTtl` seconds. */
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
  /** Deletes a key. */
  delete(key: string): Promise<void>;
  /** Workers KV's listing, used by `keys()` (pending uploads); other stores may leave it out. */
  list?(options: { prefix: string; cursor?: string }): Promise<{ keys: { name: string }[]; list_complete: boolean; cursor?: string }>;
}

/** A KV checkpoint store; `keys()` needs the namespace's `list`. */
export interface KvCheckpointStore extends CheckpointStore {
  /** The checkpoint keys under the prefix (see `findPendingUploads`). */
  keys(): Promise<string[]>;
}

/** Pages of a listing read at most: 1000 keys each, so 100 000 checkpoints. */
const MAX_LIST_PAGES = 100;

/** Options of {@link createKvCheckpointStore}. */
export interface KvCheckpointStoreOptions {
  /** Prepended to every key, to share a namespace. Default `vod-upload:checkpoint:`. */
  prefix?: string;
  /** Seconds until KV drops an entry (≥ 60, KV's minimum). Default 7 days, the checkpoints' max age. */
  expirationTtl?: number;
}

/** Creates a {@link CheckpointStore} over a KV namespace (e.g. `env.CHECKPOINTS`). */
export function createKvCheckpointStore(kv: KvLike, options: KvCheckpointStoreOptions = {}): KvCheckpointStore {
  if (!kv || typeof kv.get !== 'function' || typeof kv.put !== 'function' || typeof kv.delete !== 'function') {
    throw new VodArgumentError('kv', 'a KV namespace (an object with get, put and delete)', kv);
  }
  const prefix = options.prefix ?? 'vod-upload:checkpoint:';
  if (typeof prefix !== 'string') throw new VodArgumentError('prefix', 'a string', prefix);
  const expirationTtl = options.expirationTtl ?? DEFAULT_CHECKPOINT_MAX_AGE_MS / 1000;
  if (!Number.isInteger(expirationTtl) || expirationTtl < 60) {
    throw new VodArgumentError('expirationTtl', 'an integer number of seconds ≥ 60', expirationTtl);
  }
  return {
    async get(key) {
      const value = await kv.get(prefix + key, 'json');
      return value ?? undefined;
    },
    async set(key, value) {
      const text = JSON.stringify(value);
      if (text === undefined) throw new VodArgumentError('value', 'a JSON-able value', value);
      await kv.put(prefix + key, text, { expirationTtl });
    },
    delete: (key) => kv.delete(prefix + key),
    async keys() {
      if (typeof kv.list !== 'function') throw new VodArgumentError('kv', 'a KV namespace with list() to list checkpoints', kv);
      const found: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_LIST_PAGES; page += 1) {
        const listed = await kv.list({ prefix, ...(cursor !== undefined ? { cursor } : {}) });
        for (const { name } of listed.keys) if (name.startsWith(prefix)) found.push(name.slice(prefix.length));
        if (listed.list_complete || !listed.cursor) break;
        cursor = listed.cursor;
      }
      return found;
    },
  };
}
