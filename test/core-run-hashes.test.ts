/**
 * An upload's hashes and checkpoint (src/core/run-hashes.ts) over a recording hasher and store:
 * memory first, then a checkpoint proved by its sampled parts, else one hashing of the file that
 * is then saved; a session with another part size redoes only the part MD5s.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryCheckpointStore, type CheckpointStore } from '../src/core/checkpoint.js';
import type { RunInput } from '../src/core/run-upload.js';
import { forgetCheckpoint, obtainHash, rehashParts } from '../src/core/run-hashes.js';
import type { HashOptions, HashResult } from '../src/hasher/types.js';

const PART = 524288;
const signal = new AbortController().signal;

async function bytesOf(blob: Blob): Promise<Buffer> {
  return Buffer.from(await blob.arrayBuffer());
}
const md5 = (bytes: Buffer): string => createHash('md5').update(bytes).digest('hex');
const sha1 = (bytes: Buffer): string => createHash('sha1').update(bytes).digest('hex');

/** A real-digest hasher that records each call (size of what it read, options). */
function recordingHasher(extra: Partial<HashResult> = {}) {
  const calls: { size: number; options: HashOptions }[] = [];
  return {
    calls,
    async hash(blob: Blob, options: HashOptions): Promise<HashResult> {
      calls.push({ size: blob.size, options });
      const bytes = await bytesOf(blob);
      const partMd5s: string[] = [];
      for (let offset = 0; offset < bytes.length; offset += options.partSize)
        partMd5s.push(md5(bytes.subarray(offset, offset + options.partSize)));
      options.onProgress?.(bytes.length);
      return {
        sha1: sha1(bytes),
        partSize: options.partSize,
        partMd5s,
        engine: 'test',
        bytesHashed: bytes.length,
        runner: 'worker',
        ...extra,
      };
    },
  };
}

/** A memory store that records what was asked of it. */
function recordingStore() {
  const inner = createMemoryCheckpointStore();
  const calls: string[] = [];
  const store: CheckpointStore & { calls: string[]; inner: typeof inner } = {
    calls,
    inner,
    get: (key) => (calls.push(`get:${key}`), inner.get(key)),
    set: (key, value) => (calls.push(`set:${key}`), inner.set(key, value)),
    delete: (key) => (calls.push(`delete:${key}`), inner.delete(key)),
  };
  return store;
}

/** A file of `parts` parts, each filled with its own byte. */
const fileOf = (parts: number, last = PART): Blob =>
  new Blob(Array.from({ length: parts }, (_, i) => new Uint8Array(i === parts - 1 ? last : PART).fill(i + 1)));

function inputFor(blob: Blob, over: Partial<RunInput> = {}) {
  const warnings: { kind: string; message: string }[] = [];
  const progress: string[] = [];
  const hasher = recordingHasher();
  const input = {
    source: { blob, size: blob.size, name: 'clip.mp4', path: undefined, lastModified: 1, fileName: 'clip', fileType: 'mp4' },
    client: { endpoint: 'http://vod.test' },
    hasher,
    checkpoints: undefined,
    checkpointKey: undefined,
    checkpointMaxAgeMs: undefined,
    progress: { hashing: () => progress.push('hashing'), hashed: (bytes: number) => progress.push(`hashed:${bytes}`) },
    onWarning: (warning: { kind: string; message: string }) => warnings.push(warning),
    memo: { hashedBytes: 5 },
    ...over,
  } as unknown as RunInput & { hasher: typeof hasher };
  return { input, warnings, progress, hasher: input.hasher };
}

/** The record a correct run would have saved for `blob`. */
async function savedFor(blob: Blob, partSize = PART) {
  const bytes = await bytesOf(blob);
  const partMd5s: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += partSize) partMd5s.push(md5(bytes.subarray(offset, offset + partSize)));
  return { version: 1, sha1: sha1(bytes), partSize, partMd5s, size: bytes.length, createdAt: Date.now() };
}

describe('obtainHash', () => {
  it('returns the hash in memory without reading anything', async () => {
    const store = recordingStore();
    const memoHash = { sha1: 'a'.repeat(40) } as HashResult;
    const { input, hasher, progress } = inputFor(fileOf(1), { checkpoints: store, checkpointKey: 'k' });
    input.memo.hash = memoHash;
    expect(await obtainHash(input, PART, signal)).toBe(memoHash);
    expect(hasher.calls).toEqual([]);
    expect(store.calls).toEqual([]);
    expect(progress).toEqual([]);
  });

  it('without a store, hashes the file once: progress told, memo filled, nothing saved', async () => {
    const blob = fileOf(2, 100);
    const { input, hasher, progress, warnings } = inputFor(blob);
    const hash = await obtainHash(input, PART, signal);
    expect(hash).toMatchObject({ sha1: sha1(await bytesOf(blob)), partSize: PART, engine: 'test' });
    expect(hasher.calls).toHaveLength(1);
    expect(hasher.calls[0]).toMatchObject({ size: blob.size, options: { partSize: PART, signal } });
    expect(hasher.calls[0]!.options.only).toBeUndefined();
    expect(progress).toEqual(['hashing', `hashed:${blob.size}`]);
    expect(input.memo).toEqual({ hashedBytes: 5 + blob.size, engine: 'test', hash });
    expect(warnings).toEqual([]);
  });

  it('a hasher that fell back to the calling thread is a warning naming why', async () => {
    const { input, warnings } = inputFor(fileOf(1), { hasher: recordingHasher({ fallbackReason: 'no Worker' }) });
    await obtainHash(input, PART, signal);
    expect(warnings).toEqual([{ kind: 'hash-inline', message: 'hashing ran on the calling thread: no Worker' }]);
  });

  it('a store without a key (or a key without a store) is not used', async () => {
    const store = recordingStore();
    const { input } = inputFor(fileOf(1), { checkpoints: store });
    await obtainHash(input, PART, signal);
    await forgetCheckpoint(input);
    expect(store.calls).toEqual([]);
    const { input: keyOnly, hasher } = inputFor(fileOf(1), { checkpointKey: 'k' });
    await obtainHash(keyOnly, PART, signal);
    await forgetCheckpoint(keyOnly);
    expect(hasher.calls).toHaveLength(1);
  });

  it('saves what it hashed with what the file is, the endpoint, and no path when the source has none', async () => {
    const store = recordingStore();
    const blob = fileOf(3, 10);
    const { input } = inputFor(blob, { checkpoints: store, checkpointKey: 'k' });
    const hash = await obtainHash(input, PART, signal);
    expect(store.calls).toEqual(['get:k', 'set:k']);
    const saved = (await store.inner.get('k')) as Record<string, unknown>;
    expect(saved).toMatchObject({ sha1: hash.sha1, partSize: PART, partMd5s: hash.partMd5s, size: blob.size });
    expect(saved.about).toEqual({ name: 'clip.mp4', endpoint: 'http://vod.test' });
  });

  it('a store that fails to save is a warning; the hash is still returned and kept', async () => {
    const store = recordingStore();
    const failing = { ...store, set: () => Promise.reject(new Error('disk full')) };
    const { input, warnings } = inputFor(fileOf(1), { checkpoints: failing, checkpointKey: 'k' });
    const hash = await obtainHash(input, PART, signal);
    expect(input.memo.hash).toBe(hash);
    expect(warnings).toEqual([expect.objectContaining({ kind: 'write-failed', message: 'Writing checkpoint failed: disk full' })]);
  });

  it('cuts a long name and path to 4096 characters and the endpoint to 2048', async () => {
    const store = recordingStore();
    const blob = fileOf(1);
    const { input } = inputFor(blob, {
      checkpoints: store,
      checkpointKey: 'k',
      client: { endpoint: `http://${'e'.repeat(3000)}` } as never,
    });
    input.source = { ...input.source, name: 'n'.repeat(5000), path: `/${'p'.repeat(5000)}` };
    await obtainHash(input, PART, signal);
    const { about } = (await store.inner.get('k')) as { about: { name: string; path: string; endpoint: string } };
    expect(about.name).toBe('n'.repeat(4096));
    expect(about.path).toBe(`/${'p'.repeat(4095)}`);
    expect(about.endpoint).toBe(`http://${'e'.repeat(2041)}`);
  });

  it('trusts a checkpoint whose first, middle and last parts match: no hashing of the file', async () => {
    const store = recordingStore();
    const blob = fileOf(5, 1000);
    const record = await savedFor(blob);
    await store.inner.set('k', record);
    const { input, hasher, progress } = inputFor(blob, { checkpoints: store, checkpointKey: 'k' });
    const hash = await obtainHash(input, PART, signal);
    expect(hash).toEqual({
      sha1: record.sha1,
      partSize: PART,
      partMd5s: record.partMd5s,
      engine: 'checkpoint',
      bytesHashed: 0,
      runner: 'inline',
    });
    expect(input.memo).toEqual({ hashedBytes: 5, engine: 'checkpoint', hash });
    expect(progress).toEqual([]);
    expect(store.calls).toEqual(['get:k']);
    // Parts 0, 2 and 4, each read alone, for its MD5 only.
    expect(hasher.calls.map((call) => call.size)).toEqual([PART, PART, 1000]);
    for (const call of hasher.calls) expect(call.options).toMatchObject({ partSize: PART, signal, only: 'partMd5s' });
  });

  it('reads each sampled part at its own offset (a file whose parts differ)', async () => {
    const store = recordingStore();
    const blob = fileOf(3);
    const record = await savedFor(blob);
    // The parts' MD5s in another order: the first part alone still matches, the middle does not.
    await store.inner.set('k', { ...record, partMd5s: [record.partMd5s[0], record.partMd5s[2], record.partMd5s[1]] });
    const { input, warnings } = inputFor(blob, { checkpoints: store, checkpointKey: 'k' });
    const hash = await obtainHash(input, PART, signal);
    expect(hash.engine).toBe('test');
    expect(warnings.map((w) => w.kind)).toEqual(['mismatch']);
    expect(warnings[0]!.message).toBe(
      'Checkpoint dropped: part 1 of the file does not match it (another file with the same name, size and time)',
    );
  });

  it('drops a checkpoint whose first part differs at once, hashes the file and saves the new one', async () => {
    const store = recordingStore();
    const blob = fileOf(3);
    const other = await savedFor(new Blob([new Uint8Array(3 * PART).fill(9)]));
    await store.inner.set('k', other);
    const { input, hasher, progress, warnings } = inputFor(blob, { checkpoints: store, checkpointKey: 'k' });
    const hash = await obtainHash(input, PART, signal);
    expect(warnings.map((w) => w.kind)).toEqual(['mismatch']);
    expect(warnings[0]!.message).toMatch(/^Checkpoint dropped: part 0 /);
    // One sampled part, then the whole file.
    expect(hasher.calls.map((call) => call.size)).toEqual([PART, blob.size]);
    expect(progress[0]).toBe('hashing');
    expect(store.calls).toEqual(['get:k', 'delete:k', 'set:k']);
    expect(await store.inner.get('k')).toMatchObject({ sha1: hash.sha1 });
    expect(input.memo.engine).toBe('test');
  });

  it('passes its age limit and its warnings to the read: an old checkpoint is dropped', async () => {
    const store = recordingStore();
    const blob = fileOf(1);
    await store.inner.set('k', { ...(await savedFor(blob)), createdAt: Date.now() - 60_000 });
    const { input, hasher, warnings } = inputFor(blob, { checkpoints: store, checkpointKey: 'k', checkpointMaxAgeMs: 1_000 });
    await obtainHash(input, PART, signal);
    expect(warnings.map((w) => w.kind)).toEqual(['expired']);
    expect(hasher.calls).toHaveLength(1);
    expect(hasher.calls[0]!.size).toBe(blob.size);
  });

  it('without an age limit, the default week keeps a minute-old checkpoint; one for another size is dropped', async () => {
    const store = recordingStore();
    const blob = fileOf(1);
    await store.inner.set('k', { ...(await savedFor(blob)), createdAt: Date.now() - 60_000 });
    const { input } = inputFor(blob, { checkpoints: store, checkpointKey: 'k' });
    expect((await obtainHash(input, PART, signal)).engine).toBe('checkpoint');

    const longer = fileOf(2);
    const { input: other, warnings } = inputFor(longer, { checkpoints: store, checkpointKey: 'k' });
    expect((await obtainHash(other, PART, signal)).engine).toBe('test');
    expect(warnings.map((w) => w.kind)).toEqual(['corrupt']);
  });
});

describe('rehashParts', () => {
  it('redoes only the part MD5s at the new size, counts the bytes, keeps and saves the result', async () => {
    const store = recordingStore();
    const blob = fileOf(2, 7);
    const { input, hasher } = inputFor(blob, { checkpoints: store, checkpointKey: 'k' });
    const first = await obtainHash(input, 1048576, signal);
    const hashed = input.memo.hashedBytes;
    const next = await rehashParts(input, first, PART, signal);
    expect(hasher.calls.at(-1)).toMatchObject({ size: blob.size, options: { partSize: PART, signal, only: 'partMd5s' } });
    expect(next).toEqual({ ...first, partSize: PART, partMd5s: (await savedFor(blob)).partMd5s });
    expect(input.memo.hash).toBe(next);
    expect(input.memo.hashedBytes).toBe(hashed + blob.size);
    expect(await store.inner.get('k')).toMatchObject({ partSize: PART, partMd5s: next.partMd5s });
  });
});

describe('forgetCheckpoint', () => {
  it('deletes the checkpoint; a failing delete is a warning', async () => {
    const store = recordingStore();
    const { input, warnings } = inputFor(fileOf(1), { checkpoints: store, checkpointKey: 'k' });
    await forgetCheckpoint(input);
    expect(store.calls).toEqual(['delete:k']);
    const failing = { ...store, delete: () => Promise.reject(new Error('disk gone')) };
    const { input: second, warnings: told } = inputFor(fileOf(1), { checkpoints: failing, checkpointKey: 'k' });
    await forgetCheckpoint(second);
    expect(told.map((w) => w.kind)).toEqual(['delete-failed']);
    expect(warnings).toEqual([]);
  });
});
