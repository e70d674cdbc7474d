import { describe, expect, it } from 'vitest';
import { createMemoryCheckpointStore, type CheckpointStore } from '../src/core/checkpoint.js';
import { clearPendingUploads, findPendingUploads, removePendingUpload, type ListableCheckpointStore } from '../src/core/pending.js';
import { VodArgumentError } from '../src/protocol/index.js';

const md5 = (i: number): string => i.toString(16).padStart(32, '0');
const record = (sha1Char: string, createdAt: number, about?: { name: string; path?: string; endpoint: string }) => ({
  version: 1,
  sha1: sha1Char.repeat(40),
  partSize: 1048576,
  partMd5s: [md5(0), md5(1)],
  size: 1048576 + 7,
  createdAt,
  ...(about ? { about } : {}),
});

/** The memory store with keys(), as the directory, IndexedDB and KV stores have; `failing` keys reject on get. */
function listableStore(failing: string[] = []): ListableCheckpointStore {
  const store = createMemoryCheckpointStore();
  const keys = new Set<string>();
  return {
    get: (key) => (failing.includes(key) ? Promise.reject(new Error(`cannot read ${key}`)) : store.get(key)),
    async set(key, value) {
      await store.set(key, value);
      keys.add(key);
    },
    async delete(key) {
      await store.delete(key);
      keys.delete(key);
    },
    keys: () => Promise.resolve([...keys]),
  };
}

async function invalidArgument(promise: Promise<unknown>): Promise<VodArgumentError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(VodArgumentError);
  return error as VodArgumentError;
}

describe('findPendingUploads', () => {
  it('lists every checkpoint newest first, with what it is about; corrupt, foreign and unreadable entries are left out', async () => {
    const store = listableStore(['unreadable']);
    await store.set('old', record('a', 1000, { name: 'old.mp4', endpoint: 'https://one.example/' }));
    await store.set('new', record('b', 3000, { name: 'new.mp4', path: '/videos/new.mp4', endpoint: 'https://two.example/' }));
    await store.set('middle', record('c', 2000));
    await store.set('corrupt', { ...record('d', 4000), partMd5s: [md5(0)] });
    await store.set('foreign', 'not a checkpoint');
    await store.set('unreadable', record('e', 5000));

    expect(await findPendingUploads(store)).toEqual([
      {
        key: 'new',
        name: 'new.mp4',
        path: '/videos/new.mp4',
        endpoint: 'https://two.example/',
        size: 1048583,
        sha1: 'b'.repeat(40),
        createdAt: 3000,
      },
      // Written before names were kept: nothing to say about it but its hashes.
      { key: 'middle', name: undefined, path: undefined, endpoint: undefined, size: 1048583, sha1: 'c'.repeat(40), createdAt: 2000 },
      {
        key: 'old',
        name: 'old.mp4',
        path: undefined,
        endpoint: 'https://one.example/',
        size: 1048583,
        sha1: 'a'.repeat(40),
        createdAt: 1000,
      },
    ]);
    // Listing only reads: the entries it left out are still there for the upload to drop.
    expect((await store.keys()).sort()).toEqual(['corrupt', 'foreign', 'middle', 'new', 'old', 'unreadable']);
  });

  it('an empty store has no pending uploads', async () => {
    expect(await findPendingUploads(listableStore())).toEqual([]);
  });

  it('refuses a store that cannot list its keys, naming the parameter', async () => {
    const plain: CheckpointStore = createMemoryCheckpointStore();
    expect((await invalidArgument(findPendingUploads(plain))).parameter).toBe('store');
    expect((await invalidArgument(findPendingUploads(undefined as unknown as CheckpointStore))).parameter).toBe('store');
  });
});

describe('removePendingUpload', () => {
  it('forgets that one upload only', async () => {
    const store = listableStore();
    await store.set('one', record('a', 1000));
    await store.set('two', record('b', 2000));
    await removePendingUpload(store, 'one');
    expect((await findPendingUploads(store)).map((pending) => pending.key)).toEqual(['two']);
  });

  it('refuses an empty or non-string key, naming the parameter, and deletes nothing', async () => {
    const store = listableStore();
    await store.set('one', record('a', 1000));
    for (const key of ['', 42 as unknown as string]) {
      const error = await invalidArgument(removePendingUpload(store, key));
      expect(error.parameter).toBe('key');
      expect(error.message).toContain('a key from findPendingUploads');
    }
    expect(await store.keys()).toEqual(['one']);
  });
});

describe('clearPendingUploads', () => {
  it('removes every entry, unreadable ones too, and says how many went', async () => {
    const store = listableStore();
    await store.set('one', record('a', 1000));
    await store.set('corrupt', { broken: true });
    await store.set('two', record('b', 2000));
    expect(await clearPendingUploads(store)).toBe(3);
    expect(await store.keys()).toEqual([]);
    expect(await clearPendingUploads(store)).toBe(0);
  });

  it('refuses a store that cannot list its keys', async () => {
    expect((await invalidArgument(clearPendingUploads(createMemoryCheckpointStore()))).parameter).toBe('store');
  });
});
