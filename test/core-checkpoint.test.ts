import { describe, expect, it } from 'vitest';
import { VodArgumentError } from '../src/protocol/index.js';
import {
  DEFAULT_CHECKPOINT_MAX_AGE_MS,
  checkpointKey,
  createMemoryCheckpointStore,
  deleteCheckpoint,
  readCheckpoint,
  sampledParts,
  writeCheckpoint,
  type CheckpointStore,
  type CheckpointWarning,
} from '../src/core/checkpoint.js';

const identity = {
  name: 'clip.final.mp4',
  size: 5 * 1048576 + 100,
  lastModified: 1_700_000_000_000,
  endpoint: 'https://vod2.qcloud.com/v2/index.php',
  secretId: 'AKIDexample',
};
const NOW = 1_800_000_000_000;
const md5 = (i: number): string => i.toString(16).padStart(32, '0');
const valid = {
  version: 1,
  sha1: 'a'.repeat(40),
  partSize: 1048576,
  partMd5s: Array.from({ length: 6 }, (_, i) => md5(i)),
  size: identity.size,
  createdAt: NOW - 1000,
};

async function setup(value: unknown) {
  const store = createMemoryCheckpointStore();
  await store.set('k', value);
  const warnings: CheckpointWarning[] = [];
  const read = () => readCheckpoint(store, 'k', { size: identity.size, now: () => NOW, onWarning: (w) => warnings.push(w) });
  return { store, warnings, read };
}

describe('checkpointKey', () => {
  it('is a stable 64-hex SHA-256, safe as a file name', async () => {
    const key = await checkpointKey(identity);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(await checkpointKey({ ...identity })).toBe(key);
    // Pinned: the same identity must give the same key in every runtime and release.
    expect(key).toBe(await sha256Hex(JSON.stringify(['vod-upload-checkpoint/2', null, ...Object.values(identity)])));
  });

  it('changes with every field of the identity', async () => {
    const key = await checkpointKey(identity);
    const variants = [
      { name: 'clip.final2.mp4' },
      { size: identity.size + 1 },
      { lastModified: identity.lastModified + 1 },
      { endpoint: 'http://127.0.0.1:9000/v2/index.php' },
      { secretId: 'AKIDother' },
      { path: '/videos/day1/clip.final.mp4' },
      { path: '/videos/day2/clip.final.mp4' },
    ];
    const keys = await Promise.all(variants.map((change) => checkpointKey({ ...identity, ...change })));
    expect(new Set([key, ...keys]).size).toBe(8);
  });

  it('fields cannot bleed into each other', async () => {
    const a = await checkpointKey({ ...identity, name: 'a|b', secretId: 'c' });
    const b = await checkpointKey({ ...identity, name: 'a', secretId: 'b|c' });
    expect(a).not.toBe(b);
  });

  it('bad identity is a typed error', async () => {
    await expect(checkpointKey({ ...identity, size: -1 })).rejects.toThrow(VodArgumentError);
    await expect(checkpointKey({ ...identity, secretId: '' })).rejects.toThrow(/secretId/);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an empty path', { path: '' }, 'Invalid path: expected a non-empty string'],
    ['a path that is not a string', { path: 7 }, 'Invalid path: expected a non-empty string, got 7'],
    ['a name that is not a string', { name: 7 }, 'Invalid name: expected a string, got 7'],
    ['a size that is not an integer', { size: 1.5 }, 'Invalid size: expected an integer ≥ 0, got 1.5'],
    ['a lastModified that is not finite', { lastModified: Number.NaN }, 'Invalid lastModified: expected a finite number (ms)'],
    ['a lastModified that is not a number', { lastModified: '1700000000000' }, 'Invalid lastModified: expected a finite number (ms)'],
    ['an empty endpoint', { endpoint: '' }, 'Invalid endpoint: expected a non-empty string'],
    ['an endpoint that is not a string', { endpoint: 7 }, 'Invalid endpoint: expected a non-empty string, got 7'],
    ['a secretId that is not a string', { secretId: 7 }, 'Invalid secretId: expected a non-empty string, got 7'],
  ])('%s is refused, named in the message', async (_name, change, message) => {
    await expect(checkpointKey({ ...identity, ...change } as typeof identity)).rejects.toThrow(message);
  });

  it('an empty file has a key', async () => {
    expect(await checkpointKey({ ...identity, size: 0 })).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('readCheckpoint', () => {
  it('returns a valid record', async () => {
    const { read, warnings } = await setup(valid);
    expect(await read()).toEqual(valid);
    expect(warnings).toEqual([]);
  });

  it('a miss is undefined without warnings', async () => {
    const store = createMemoryCheckpointStore();
    expect(await readCheckpoint(store, 'nope', { size: 1 })).toBeUndefined();
  });

  it.each([
    ['not an object', 'garbage'],
    ['wrong version', { ...valid, version: 2 }],
    ['upper-case SHA-1', { ...valid, sha1: 'A'.repeat(40) }],
    ['part size not allowed', { ...valid, partSize: 4096 }],
    ['too few part MD5s', { ...valid, partMd5s: valid.partMd5s.slice(1) }],
    ['too many part MD5s', { ...valid, partMd5s: [...valid.partMd5s, md5(9)] }],
    ['a bad MD5', { ...valid, partMd5s: [...valid.partMd5s.slice(1), 'x'.repeat(32)] }],
    ['createdAt missing', { ...valid, createdAt: undefined }],
    ['other size than the source', { ...valid, size: identity.size - 1, partMd5s: valid.partMd5s }],
  ])('a corrupt entry (%s) is deleted, reported, not trusted', async (_name, value) => {
    const { read, store, warnings } = await setup(value);
    expect(await read()).toBeUndefined();
    expect(await store.get('k')).toBeUndefined();
    expect(warnings.map((w) => w.kind)).toEqual(['corrupt']);
  });

  it('a consistent record for another size (the file changed) is dropped', async () => {
    const other = { ...valid, size: 100, partMd5s: [md5(1)] };
    const { read, store, warnings } = await setup(other);
    expect(await read()).toBeUndefined();
    expect(store.size).toBe(0);
    expect(warnings[0]?.message).toMatch(/100 bytes/);
  });

  it('expired (default 7 days) and far-future entries are deleted; a fresh one is kept', async () => {
    const justInside = { ...valid, createdAt: NOW - DEFAULT_CHECKPOINT_MAX_AGE_MS };
    expect(await (await setup(justInside)).read()).toEqual(justInside);

    for (const createdAt of [NOW - DEFAULT_CHECKPOINT_MAX_AGE_MS - 1, NOW + DEFAULT_CHECKPOINT_MAX_AGE_MS + 1]) {
      const { read, store, warnings } = await setup({ ...valid, createdAt });
      expect(await read()).toBeUndefined();
      expect(store.size).toBe(0);
      expect(warnings.map((w) => w.kind)).toEqual(['expired']);
    }
    const custom = await setup({ ...valid, createdAt: NOW - 61_000 });
    expect(await readCheckpoint(custom.store, 'k', { size: identity.size, now: () => NOW, maxAgeMs: 60_000 })).toBeUndefined();
  });

  it('a failing store is a miss with a warning, not a failure', async () => {
    const broken: CheckpointStore = {
      get: () => Promise.reject(new Error('disk on fire')),
      set: () => Promise.reject(new Error('quota exceeded')),
      delete: () => Promise.reject(new Error('read-only')),
    };
    const warnings: CheckpointWarning[] = [];
    const onWarning = (w: CheckpointWarning) => warnings.push(w);
    expect(await readCheckpoint(broken, 'k', { size: 1, onWarning })).toBeUndefined();
    const input = { sha1: valid.sha1, partSize: 524288 as const, partMd5s: [md5(0)], size: 1 };
    expect(await writeCheckpoint(broken, 'k', input, { onWarning })).toBeUndefined();
    expect(await deleteCheckpoint(broken, 'k', { onWarning })).toBe(false);
    expect(warnings.map((w) => w.kind)).toEqual(['read-failed', 'write-failed', 'delete-failed']);
    expect(warnings.map((w) => w.message)).toEqual([
      'Reading checkpoint failed: disk on fire',
      'Writing checkpoint failed: quota exceeded',
      'Deleting checkpoint failed: read-only',
    ]);
  });

  it('null in the store (what KV stores give for a missing key) is a miss without warnings', async () => {
    const { read, warnings } = await setup(null);
    expect(await read()).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('warnings say what was wrong and where', async () => {
    const garbage = await setup('garbage');
    await garbage.read();
    expect(garbage.warnings[0]?.message).toBe('Corrupt checkpoint dropped (record: Invalid input)');
    const badMd5 = await setup({ ...valid, partMd5s: ['x', ...valid.partMd5s.slice(1)] });
    await badMd5.read();
    expect(badMd5.warnings[0]?.message).toBe('Corrupt checkpoint dropped (partMd5s.0: expected 32 lower-case hex digits (MD5))');
    const old = await setup({ ...valid, createdAt: 0 });
    await old.read();
    expect(old.warnings[0]?.message).toBe(
      `Checkpoint from 1970-01-01T00:00:00.000Z dropped (older than ${DEFAULT_CHECKPOINT_MAX_AGE_MS} ms)`,
    );
  });

  it('maxAgeMs: 0 keeps only a record of this very ms; a record just inside the future bound is kept; a bad maxAgeMs is refused', async () => {
    const now = await setup({ ...valid, createdAt: NOW });
    expect(await readCheckpoint(now.store, 'k', { size: identity.size, now: () => NOW, maxAgeMs: 0 })).toEqual({
      ...valid,
      createdAt: NOW,
    });
    const ahead = { ...valid, createdAt: NOW + DEFAULT_CHECKPOINT_MAX_AGE_MS };
    expect(await (await setup(ahead)).read()).toEqual(ahead);
    for (const maxAgeMs of [-1, Number.NaN, '60000']) {
      await expect(readCheckpoint(now.store, 'k', { size: identity.size, maxAgeMs: maxAgeMs as number })).rejects.toThrow(
        /^Invalid maxAgeMs: expected a number ≥ 0/,
      );
    }
  });

  it('a failing store without onWarning is still only a miss', async () => {
    const broken: CheckpointStore = {
      get: () => Promise.reject(new Error('disk on fire')),
      set: () => Promise.reject(new Error('quota exceeded')),
      delete: () => Promise.reject(new Error('read-only')),
    };
    expect(await readCheckpoint(broken, 'k', { size: 1 })).toBeUndefined();
    const input = { sha1: valid.sha1, partSize: 524288 as const, partMd5s: [md5(0)], size: 1 };
    expect(await writeCheckpoint(broken, 'k', input)).toBeUndefined();
    expect(await deleteCheckpoint(broken, 'k')).toBe(false);
  });

  it('a corrupt entry in a store that cannot delete still is not trusted', async () => {
    const store: CheckpointStore = {
      get: async () => ({ ...valid, sha1: 'nope' }),
      set: async () => undefined,
      delete: () => Promise.reject(new Error('read-only')),
    };
    const warnings: CheckpointWarning[] = [];
    expect(await readCheckpoint(store, 'k', { size: identity.size, onWarning: (w) => warnings.push(w) })).toBeUndefined();
    expect(warnings.map((w) => w.kind)).toEqual(['corrupt', 'delete-failed']);
  });
});

describe('writeCheckpoint / deleteCheckpoint', () => {
  it('round-trips through the store with version and time filled in', async () => {
    const store = createMemoryCheckpointStore();
    const input = { sha1: valid.sha1, partSize: 1048576 as const, partMd5s: valid.partMd5s, size: identity.size };
    const written = await writeCheckpoint(store, 'k', input, { now: () => NOW });
    expect(written).toEqual({ ...input, version: 1, createdAt: NOW });
    expect(await readCheckpoint(store, 'k', { size: identity.size, now: () => NOW + 1 })).toEqual(written);
    expect(await deleteCheckpoint(store, 'k')).toBe(true);
    expect(await readCheckpoint(store, 'k', { size: identity.size })).toBeUndefined();
  });

  it('an inconsistent record is refused with a typed error before touching the store', async () => {
    const store = createMemoryCheckpointStore();
    const bad = { sha1: valid.sha1, partSize: 1048576 as const, partMd5s: [md5(0)], size: identity.size };
    await expect(writeCheckpoint(store, 'k', bad)).rejects.toThrow(
      'Invalid checkpoint.partMd5s: expected one part MD5 per part (ceil(size / partSize))',
    );
    expect(store.size).toBe(0);
  });

  it('a bad field deep in the record is named by its path', async () => {
    const input = { sha1: valid.sha1, partSize: 1048576 as const, partMd5s: [md5(0)], size: 10 };
    const bad = { ...input, about: { name: 7, endpoint: 'x' } } as unknown as typeof input;
    await expect(writeCheckpoint(createMemoryCheckpointStore(), 'k', bad)).rejects.toMatchObject({ parameter: 'checkpoint.about.name' });
  });

  it('the memory store keeps a copy: later mutation by the caller does not change it', async () => {
    const store = createMemoryCheckpointStore();
    const value = { list: [1, 2] };
    await store.set('x', value);
    value.list.push(3);
    expect(await store.get('x')).toEqual({ list: [1, 2] });
    await expect(store.set('y', () => 1)).rejects.toThrow(VodArgumentError);
  });
});

describe('sampledParts', () => {
  it('the first, middle and last part, each once; none for no parts', () => {
    expect(sampledParts(0)).toEqual([]);
    expect(sampledParts(1)).toEqual([0]);
    expect(sampledParts(2)).toEqual([0, 1]);
    expect(sampledParts(7)).toEqual([0, 3, 6]);
  });
});

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Buffer.from(digest).toString('hex');
}
