/**
 * The Node adapter from source: the worker-thread hasher (files by path, Blobs posted, the inline
 * fallback for Blobs that cannot be posted, file changes, abort), the directory checkpoint store,
 * and a lazily read FileSource going through the core end to end.
 */
import { createHash } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { appendFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectoryCheckpointStore, createNodeHasher, NodeFile, openFile, upload, uploadFile } from '../src/adapters/node/index.js';
import { defaultCheckpointDir } from '../src/adapters/shared/directory-store.js';
import { checkpointKey, readCheckpoint, writeCheckpoint } from '../src/core/checkpoint.js';
import type { FileSource } from '../src/core/index.js';
import { createInlineHasher } from '../src/hasher/index.js';
import { nodeCryptoEngine } from '../src/adapters/node/native-hash-engine.js';
import { VodArgumentError } from '../src/protocol/index.js';
import { DEV_CREDENTIALS, startEmulator, type RunningEmulator } from './helpers/upload-stack.js';

const MiB = 1 << 20;
let dir: string;
let emu: RunningEmulator;

function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65536) crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65536)));
  return bytes;
}
const sha1 = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vod-adapters-node-'));
  emu = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emu?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('createNodeHasher', () => {
  it('hashes a file from openFile on a worker thread, reading it by path; same hashes as inline', async () => {
    const bytes = randomBytes(2 * MiB + 12345);
    const path = join(dir, 'a.mp4');
    await writeFile(path, bytes);
    const file = await openFile(path);
    expect(file).toBeInstanceOf(NodeFile);
    expect(file.name).toBe('a.mp4');
    const hasher = createNodeHasher();
    const progress: number[] = [];
    const result = await hasher.hash(file, { partSize: MiB, onProgress: (n) => progress.push(n) });
    const inline = await createInlineHasher({ engines: [nodeCryptoEngine] }).hash(new Blob([bytes]), { partSize: MiB });
    expect(result).toMatchObject({ runner: 'worker', engine: 'node', sha1: sha1(bytes), bytesHashed: bytes.length });
    expect(result.partMd5s).toEqual(inline.partMd5s);
    expect(progress.at(-1)).toBe(bytes.length);
    const md5s = await hasher.hash(file, { partSize: 524288, only: 'partMd5s' });
    expect(md5s.sha1).toBe('');
    expect(md5s.partMd5s).toHaveLength(5);
  });

  it('hashes SHA-1 and MD5 on two threads from one read by default (files and Blobs); threads: 1 uses one', async () => {
    const bytes = randomBytes(9 * MiB + 4321);
    const path = join(dir, 'two-threads.mp4');
    await writeFile(path, bytes);
    const inline = await createInlineHasher({ engines: [nodeCryptoEngine] }).hash(new Blob([bytes]), { partSize: 524288 });
    const two = createNodeHasher();
    for (const source of [await openFile(path), new Blob([bytes])]) {
      const result = await two.hash(source, { partSize: 524288 });
      expect(result).toMatchObject({ runner: 'worker', threads: 2, sha1: sha1(bytes), bytesHashed: bytes.length });
      expect(result.partMd5s).toEqual(inline.partMd5s);
    }
    const one = await createNodeHasher({ threads: 1 }).hash(await openFile(path), { partSize: 524288 });
    expect(one).toMatchObject({ runner: 'worker', threads: 1, sha1: sha1(bytes), partMd5s: inline.partMd5s });
    expect(() => createNodeHasher({ threads: 3 as 2 })).toThrow(VodArgumentError);
  });

  it('posts in-memory Blobs to the worker; hashes a file-backed Blob it cannot post inline', async () => {
    const bytes = randomBytes(MiB + 7);
    const path = join(dir, 'b.bin');
    await writeFile(path, bytes);
    const hasher = createNodeHasher();
    const posted = await hasher.hash(new Blob([bytes]), { partSize: MiB });
    expect(posted).toMatchObject({ runner: 'worker', sha1: sha1(bytes) });
    const own = await hasher.hash(await openAsBlob(path), { partSize: MiB });
    expect(own).toMatchObject({ runner: 'inline', engine: 'node', sha1: sha1(bytes) });
  });

  it('refuses a file that changed after openFile', async () => {
    const path = join(dir, 'c.mp4');
    await writeFile(path, randomBytes(1000));
    const file = await openFile(path);
    await appendFile(path, 'more');
    await expect(createNodeHasher().hash(file, { partSize: MiB })).rejects.toMatchObject({ name: 'NotReadableError' });
  });

  it('abort rejects at once with the reason', async () => {
    const path = join(dir, 'big.bin');
    await writeFile(path, new Uint8Array(48 * MiB).fill(7));
    const controller = new AbortController();
    const reason = new Error('stop');
    const started = Date.now();
    const job = createNodeHasher().hash(await openFile(path), {
      partSize: MiB,
      signal: controller.signal,
      onProgress: (n) => n >= 4 * MiB && controller.abort(reason),
    });
    await expect(job).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('rejects bad options with a typed error', () => {
    expect(() => createNodeHasher({ runner: 'thread' as 'worker' })).toThrow(VodArgumentError);
  });
});

describe('createDirectoryCheckpointStore', () => {
  it('keeps one JSON file per key, written atomically; the directory appears on the first write', async () => {
    const where = join(dir, 'store', 'nested');
    const store = createDirectoryCheckpointStore(where);
    expect(await store.get('k1')).toBeUndefined();
    await expect(readdir(where)).rejects.toMatchObject({ code: 'ENOENT' });
    await store.set('k1', { a: 1 });
    await store.set('k1', { a: 2 });
    expect(await store.get('k1')).toEqual({ a: 2 });
    expect(await readdir(where)).toEqual(['k1.json']);
    await store.delete('k1');
    await store.delete('k1');
    expect(await readdir(where)).toEqual([]);
    expect(await store.directory()).toBe(where);
  });

  it('refuses keys that are not file-name safe', async () => {
    const store = createDirectoryCheckpointStore(join(dir, 'store2'));
    await expect(store.set('../evil', 1)).rejects.toBeInstanceOf(VodArgumentError);
    await expect(store.get('a/b')).rejects.toBeInstanceOf(VodArgumentError);
  });

  it('a corrupt file is reported and deleted by the core, not trusted', async () => {
    const where = join(dir, 'store3');
    const store = createDirectoryCheckpointStore(where);
    const key = await checkpointKey({ name: 'a.mp4', size: 10, lastModified: 1, endpoint: 'http://x', secretId: 's' });
    await writeCheckpoint(store, key, { sha1: 'a'.repeat(40), partSize: 1048576, partMd5s: ['b'.repeat(32)], size: 10 });
    expect(await readCheckpoint(store, key, { size: 10 })).toMatchObject({ sha1: 'a'.repeat(40) });
    await writeFile(join(where, `${key}.json`), '{"half a rec');
    const warnings: string[] = [];
    expect(await readCheckpoint(store, key, { size: 10, onWarning: (w) => warnings.push(w.kind) })).toBeUndefined();
    expect(warnings).toEqual(['corrupt']);
    expect(await readdir(where)).toEqual([]);
  });

  it('defaults to the user cache directory, like the CLI', () => {
    const env = (values: Record<string, string>) => (name: string) => values[name];
    expect(defaultCheckpointDir('linux', env({ XDG_CACHE_HOME: '/x/cache' }), '/home/u')).toBe('/x/cache/vod-upload/checkpoints');
    expect(defaultCheckpointDir('linux', env({}), '/home/u')).toBe('/home/u/.cache/vod-upload/checkpoints');
    expect(defaultCheckpointDir('darwin', env({}), '/Users/u')).toBe('/Users/u/Library/Caches/vod-upload/checkpoints');
    expect(defaultCheckpointDir('win32', env({ LOCALAPPDATA: 'C:\\L' }), 'C:\\U')).toBe('C:\\L\\vod-upload\\checkpoints');
    expect(defaultCheckpointDir('windows', env({}), 'C:\\U')).toBe('C:\\U\\AppData\\Local\\vod-upload\\checkpoints');
  });
});

describe('uploads from Node', () => {
  const connection = () => ({ endpoint: emu.endpoint, ...DEV_CREDENTIALS, checkpoints: createDirectoryCheckpointStore(join(dir, 'cp')) });

  it('uploadFile: a path becomes a served file with the same bytes', async () => {
    const bytes = randomBytes(MiB + 999);
    const path = join(dir, 'My clip.final.mov');
    await writeFile(path, bytes);
    const result = await uploadFile(path, connection());
    expect(result).toMatchObject({ kind: 'new', sha1: sha1(bytes), partsSent: 2, hashEngine: 'node' });
    const served = new Uint8Array(await (await fetch(result.url)).arrayBuffer());
    expect(sha1(served)).toBe(sha1(bytes));
  });

  it('a FileSource whose slices arrive asynchronously uploads like a Blob', async () => {
    const bytes = randomBytes(2 * MiB + 5);
    let slices = 0;
    const source: FileSource = {
      size: bytes.length,
      name: 'lazy.mp4',
      lastModified: 5,
      async slice(start, end) {
        slices++;
        await new Promise((resolve) => setTimeout(resolve, 1));
        return new Blob([bytes.slice(start, end)]);
      },
      stream: () => new Blob([bytes]).stream(),
    };
    const result = await upload(source, connection()).done;
    expect(result).toMatchObject({ kind: 'new', sha1: sha1(bytes), partsSent: 3 });
    expect(slices).toBe(3);
    const served = new Uint8Array(await (await fetch(result.url)).arrayBuffer());
    expect(sha1(served)).toBe(sha1(bytes));
  });

  it('rejects what is neither a Blob nor a FileSource, naming the parameter', () => {
    expect(() => upload({ size: 3 } as unknown as Blob, connection())).toThrow(/source/);
  });
});
