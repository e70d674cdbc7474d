/**
 * Checkpoints in IndexedDB (through idb-keyval), so a page reload or a crash can resume without
 * hashing again. Where IndexedDB is missing or throws (private mode, disabled storage, a sandboxed
 * iframe) the store quietly becomes a memory store for the rest of the page's life.
 */
import { createStore, del, get, keys, set, type UseStore } from 'idb-keyval';
import { createMemoryCheckpointStore, type CheckpointStore } from '../../core/checkpoint.js';

/** Options of {@link createIdbCheckpointStore}. */
export interface IdbCheckpointStoreOptions {
  /** Database name. Default `vod-upload`. */
  database?: string;
  /** Object store name. Default `checkpoints`. */
  store?: string;
}

/** A {@link CheckpointStore} that says which backend serves it, and lists its keys (`findPendingUploads`). */
export interface BrowserCheckpointStore extends CheckpointStore {
  /** The keys stored (after a reload: the uploads that can resume). */
  keys(): Promise<string[]>;
  /** `indexeddb` until storage fails once, then `memory`. */
  readonly backend: 'indexeddb' | 'memory';
}

/**
 * Creates an IndexedDB checkpoint store. Nothing is opened until the first call: importing or
 * creating it never touches `indexedDB`.
 */
export function createIdbCheckpointStore(options: IdbCheckpointStoreOptions = {}): BrowserCheckpointStore {
  const database = options.database ?? 'vod-upload';
  const storeName = options.store ?? 'checkpoints';
  let idb: UseStore | undefined;
  let memory: CheckpointStore | undefined;
  // The memory fallback's keys (it has no listing of its own).
  const memoryKeys = new Set<string>();

  // The first failure switches to memory for good: a store that threw once (quota, private mode)
  // would only make every later upload slower by failing again.
  const run = async <T>(onIdb: (store: UseStore) => Promise<T>, onMemory: (store: CheckpointStore) => Promise<T>): Promise<T> => {
    if (!memory) {
      try {
        if (typeof indexedDB === 'undefined' || indexedDB === null) throw new Error('IndexedDB is not available');
        idb ??= createStore(database, storeName);
        return await onIdb(idb);
      } catch {
        memory = createMemoryCheckpointStore();
      }
    }
    return onMemory(memory);
  };

  return {
    get backend() {
      return memory ? 'memory' : 'indexeddb';
    },
    get: (key) =>
      run(
        (store) => get<unknown>(key, store),
        (store) => store.get(key),
      ),
    // JSON round trip: stores exactly what a memory or file store would, and rejects what they would.
    set: (key, value) =>
      run(
        (store) => set(key, JSON.parse(JSON.stringify(value)) as unknown, store),
        async (store) => {
          await store.set(key, value);
          memoryKeys.add(key);
        },
      ),
    delete: (key) =>
      run(
        (store) => del(key, store),
        async (store) => {
          await store.delete(key);
          memoryKeys.delete(key);
        },
      ),
    keys: () =>
      run(
        async (store) => (await keys(store)).filter((key): key is string => typeof key === 'string'),
        async () => [...memoryKeys],
      ),
  };
}
