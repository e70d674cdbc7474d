/**
 * Pending uploads: every checkpoint store lists its keys, findPendingUploads turns them into
 * file, size, age and endpoint after a real upload was interrupted, and removing forgets them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectoryCheckpointStore, createNodeHasher, openFile } from '../src/adapters/node/index.js';
import { createIdbCheckpointStore } from '../src/adapters/browser/index.js';
import { createKvCheckpointStore, type KvLike } from '../src/adapters/workers/index.js';
import { ageText } from '../src/cli/pending-command.js';
import {
  clearPendingUploads,
  createUploadQueue,
  findPendingUploads,
  removePendingUpload,
  type CheckpointStore,
  type UploadSource,
} from '../src/core/index.js';
import { createVodClient } from '../src/client/index.js';
import { createSecretSigner } from '../src/protocol/index.js';
import { DEV_CREDENTIALS, startEmulator, type RunningEmulator } from '../src/emulator/index.js';

/** A Workers KV namespace in memory, with list() paging 2 keys at a time. */
function memoryKv(): KvLike & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    get: async (key) => (entries.has(key) ? (JSON.parse(entries.get(key)!) as unknown) : null),
    put: async (key, value) => void entries.set(key, value),
    delete: async (key) => void entries.delete(key),
    list: async ({ prefix, cursor }) => {
      const names = [...entries.keys()].filter((name) => name.startsWith(prefix)).sort();
      const start = cursor ? Number(cursor) : 0;
      const page = names.slice(start, start + 2);
      const done = start + 2 >= names.length;
      return { keys: page.map((name) => ({ name })), list_complete: done, ...(done ? {} : { cursor: String(start + 2) }) };
    },
  };
}

let dir: string;
let emulator: RunningEmulator;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vod-pending-'));
  emulator = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Uploads `name`, aborting once hashing is done and the first part is acknowledged: the checkpoint stays. */
async function interruptedUpload(store: CheckpointStore, name: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, randomBytes(3 * 524288 + 11));
  const hasher = createNodeHasher();
  const controller = new AbortController();
  const queue = createUploadQueue<UploadSource>({
    client: createVodClient({ endpoint: emulator.endpoint, signer: createSecretSigner(DEV_CREDENTIALS) }),
    hasher,
    partSize: 524288,
    concurrency: 1,
    checkpoints: store,
    secretId: DEV_CREDENTIALS.secretId,
    signal: controller.signal,
    onStart(handle) {
      handle.on('progress', (state) => {
        if (state.ackedBytes > 0) controller.abort();
      });
    },
  });
  await expect(queue.add(await openFile(path))).rejects.toMatchObject({ code: 'ABORTED' });
  hasher.close();
  return path;
}

describe('findPendingUploads', () => {
  it('lists an interrupted upload of a directory store with file, size and endpoint, then removes it', async () => {
    const store = createDirectoryCheckpointStore(join(dir, 'checkpoints'));
    expect(await findPendingUploads(store)).toEqual([]); // the directory does not exist yet
    const path = await interruptedUpload(store, 'clip.mp4');
    const [pending, ...more] = await findPendingUploads(store);
    expect(more).toEqual([]);
    expect(pending).toMatchObject({ name: 'clip.mp4', path, endpoint: emulator.endpoint, size: 3 * 524288 + 11 });
    expect(Date.now() - pending!.createdAt).toBeLessThan(60_000);
    await removePendingUpload(store, pending!.key);
    expect(await findPendingUploads(store)).toEqual([]);
  });

  it('lists through KV (paged) and the browser store, and clear forgets everything', async () => {
    const kv = memoryKv();
    kv.entries.set('other-app:x', '1'); // not ours: another prefix
    const kvStore = createKvCheckpointStore(kv);
    for (const name of ['a.mp4', 'b.mp4', 'c.mp4']) await interruptedUpload(kvStore, name);
    expect((await findPendingUploads(kvStore)).map((entry) => entry.name).sort()).toEqual(['a.mp4', 'b.mp4', 'c.mp4']);
    expect(await clearPendingUploads(kvStore)).toBe(3);
    expect([...kv.entries.keys()]).toEqual(['other-app:x']);

    // Node has no IndexedDB: the browser store serves from memory and still lists.
    const browser = createIdbCheckpointStore();
    await interruptedUpload(browser, 'd.mp4');
    expect(browser.backend).toBe('memory');
    expect((await findPendingUploads(browser)).map((entry) => entry.name)).toEqual(['d.mp4']);
    expect(await clearPendingUploads(browser)).toBe(1);
    expect(await browser.keys()).toEqual([]);
  });

  it('skips entries that are not checkpoints and refuses a store that cannot list', async () => {
    const store = createDirectoryCheckpointStore(join(dir, 'mixed'));
    await store.set('broken', { version: 1, sha1: 'nope' });
    expect(await findPendingUploads(store)).toEqual([]);
    expect(await clearPendingUploads(store)).toBe(1);
    const plain: CheckpointStore = { get: async () => undefined, set: async () => {}, delete: async () => {} };
    await expect(findPendingUploads(plain)).rejects.toThrow(/store: expected a checkpoint store with keys\(\)/);
    await expect(createKvCheckpointStore({ ...memoryKv(), list: undefined }).keys()).rejects.toThrow(/list\(\)/);
    expect([ageText(5_000), ageText(12 * 60_000), ageText(5 * 3600_000), ageText(3 * 86400_000)]).toEqual([
      'just now',
      '12 min ago',
      '5 h ago',
      '3 days ago',
    ]);
  });
});
