/**
 * Pending uploads: the checkpoints a store keeps, listed and removed, so an app (or the CLI's
 * `vod-upload pending`) can show what can be picked up again and forget what will not — like
 * tus's findPreviousUploads. A store lists its keys through {@link ListableCheckpointStore};
 * the directory, IndexedDB and KV stores all do.
 */
import { VodArgumentError } from '../protocol/errors.js';
import { checkpointRecord, type CheckpointStore } from './checkpoint.js';

/** A checkpoint store that can list its keys. */
export interface ListableCheckpointStore extends CheckpointStore {
  /** Every key the store holds (in no particular order). */
  keys(): Promise<string[]>;
}

/** An upload that hashed its file but did not finish: the same file resumes without hashing. */
export interface PendingUpload {
  /** The store key: give it to {@link removePendingUpload}. */
  key: string;
  /** The file's name; `undefined` for checkpoints written before names were kept. */
  name: string | undefined;
  /** The full path, where the runtime has one (Node, Deno, Bun). */
  path: string | undefined;
  /** The endpoint it was uploading to. */
  endpoint: string | undefined;
  size: number;
  sha1: string;
  /** When hashing finished (ms since the epoch). */
  createdAt: number;
}

function listable(store: CheckpointStore): ListableCheckpointStore {
  if (!store || typeof (store as Partial<ListableCheckpointStore>).keys !== 'function') {
    throw new VodArgumentError('store', 'a checkpoint store with keys() (directory, IndexedDB or KV store)', store);
  }
  return store as ListableCheckpointStore;
}

/**
 * The pending uploads in `store`, newest first. Entries that are not checkpoints (corrupt, from
 * another program) are left out; reading them is the upload's job, which drops them.
 *
 * @example
 * for (const pending of await findPendingUploads(store)) console.log(pending.name, pending.size);
 */
export async function findPendingUploads(store: CheckpointStore): Promise<PendingUpload[]> {
  const source = listable(store);
  const found: PendingUpload[] = [];
  for (const key of await source.keys()) {
    const parsed = checkpointRecord.safeParse(await source.get(key).catch(() => undefined));
    if (!parsed.success) continue;
    const { about, size, sha1, createdAt } = parsed.data;
    found.push({ key, name: about?.name, path: about?.path, endpoint: about?.endpoint, size, sha1, createdAt });
  }
  return found.sort((a, b) => b.createdAt - a.createdAt);
}

/** Forgets one pending upload: its file will be hashed again next time. */
export async function removePendingUpload(store: CheckpointStore, key: string): Promise<void> {
  if (typeof key !== 'string' || key === '') throw new VodArgumentError('key', 'a key from findPendingUploads', key);
  await store.delete(key);
}

/** Forgets everything `store` keeps (unreadable entries too); resolves with how many entries went. */
export async function clearPendingUploads(store: CheckpointStore): Promise<number> {
  const keys = await listable(store).keys();
  for (const key of keys) await store.delete(key);
  return keys.length;
}
