/**
 * What an upload keeps in its checkpoint store (src/core/run-hashes.ts), against the emulator over
 * real HTTP: the record it writes, and the proof that a checkpoint belongs to the bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryCheckpointStore, uploadWithClient as upload, type CheckpointStore } from '../src/engine.js';
import { DEV_CREDENTIALS } from '../src/emulator/index.js';
import { bytesOf, countingHasher, makeClient, randomFile, sha1Of, startEmulator, type RunningEmulator } from './helpers/upload-stack.js';

const MiB = 1048576;
let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(() => emu.close());

/** A memory store that also records what was written and deleted. */
function recordingStore() {
  const inner = createMemoryCheckpointStore();
  const written: unknown[] = [];
  const deleted: string[] = [];
  const store: CheckpointStore & { readonly size: number } = {
    get size() {
      return inner.size;
    },
    get: (key) => inner.get(key),
    set: (key, value) => {
      written.push(JSON.parse(JSON.stringify(value)));
      return inner.set(key, value);
    },
    delete: (key) => {
      deleted.push(key);
      return inner.delete(key);
    },
  };
  return { store, written, deleted };
}

describe('upload checkpoints', () => {
  it('keeps the hashes with the name and endpoint (never the SecretId), and forgets them once the file is finished', async () => {
    const { store, written, deleted } = recordingStore();
    const file = randomFile(2 * MiB + 9, 'holiday.mp4');
    const result = await upload(file, { client: makeClient(emu), hasher: countingHasher(), checkpoints: store, partSize: MiB }).done;
    expect(written).toHaveLength(1);
    const record = written[0] as Record<string, unknown>;
    expect(record).toMatchObject({
      version: 1,
      sha1: sha1Of(await bytesOf(file)),
      partSize: MiB,
      size: 2 * MiB + 9,
      about: { name: 'holiday.mp4', endpoint: emu.endpoint },
    });
    expect(record.partMd5s).toHaveLength(3);
    expect(record.about).not.toHaveProperty('path');
    expect(JSON.stringify(record)).not.toContain(DEV_CREDENTIALS.secretId);
    expect(result.kind).toBe('new');
    expect(deleted).toHaveLength(1);
    expect(store.size).toBe(0);
  });

  it('a checkpoint for a file changed only in its last part is dropped: the proof samples the last part too', async () => {
    const checkpoints = createMemoryCheckpointStore();
    const original = randomFile(3 * MiB, 'same.mp4', 42);
    const first = upload(original, { client: makeClient(emu), hasher: countingHasher(), checkpoints, partSize: MiB });
    first.on('progress', (p) => p.phase === 'uploading' && first.abort());
    await expect(first.done).rejects.toMatchObject({ code: 'ABORTED' });
    expect(checkpoints.size).toBe(1);

    const bytes = new Uint8Array(await original.arrayBuffer());
    bytes[bytes.length - 1] = (bytes[bytes.length - 1]! + 1) % 256;
    const changed = new File([bytes], 'same.mp4', { lastModified: 42 });
    const hasher = countingHasher();
    const warnings: { kind: string; message: string }[] = [];
    const handle = upload(changed, { client: makeClient(emu), hasher, checkpoints, partSize: MiB });
    handle.on('warning', (warning) => warnings.push(warning));
    const result = await handle.done;
    expect(warnings.filter((warning) => warning.kind === 'mismatch').map((warning) => warning.message)).toEqual([
      'Checkpoint dropped: part 2 of the file does not match it (another file with the same name, size and time)',
    ]);
    expect(result.sha1).toBe(sha1Of(Buffer.from(bytes)));
    // Three sampled parts read for the proof, then the whole file hashed again.
    expect(hasher.bytes).toBe(3 * MiB + 3 * MiB);
    expect(result.hashedBytes).toBe(3 * MiB);
  });

  it('a checkpoint that matches is used: no byte hashed again, the engine says so', async () => {
    const checkpoints = createMemoryCheckpointStore();
    const file = randomFile(3 * MiB, 'resume.mp4', 7);
    const first = upload(file, { client: makeClient(emu), hasher: countingHasher(), checkpoints, partSize: MiB });
    first.on('progress', (p) => p.phase === 'uploading' && first.abort());
    await expect(first.done).rejects.toMatchObject({ code: 'ABORTED' });
    const hasher = countingHasher();
    const result = await upload(file, { client: makeClient(emu), hasher, checkpoints, partSize: MiB }).done;
    expect(result).toMatchObject({ hashedBytes: 0, sha1: sha1Of(await bytesOf(file)) });
    // Only the proof's three sampled parts were read.
    expect(hasher.bytes).toBe(3 * MiB);
    expect(checkpoints.size).toBe(0);
  });
});
