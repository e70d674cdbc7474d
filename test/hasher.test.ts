import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createInlineHasher, HASH_PART_SIZES, hashBlob, loadFirstEngine, sparkEngine, wasmEngine } from '../src/hasher/index.js';
import type { HashEngineLoader } from '../src/hasher/index.js';
import { nodeCryptoEngine } from '../src/adapters/node/native-hash-engine.js';
import { PART_SIZES, VodArgumentError } from '../src/protocol/index.js';
import { SlowBlob, expected, oddBlob, randomBytes } from './hasher-helpers.js';
import { within } from './helpers/settle.js';

const KiB512 = 524288;
const MiB = 1048576;
const engines: HashEngineLoader[] = [sparkEngine, wasmEngine, nodeCryptoEngine];

describe.each(engines)('engine $name', (loader) => {
  for (const partSize of [KiB512, MiB]) {
    const sizes = [0, 1, 2 * partSize, 2 * partSize + 1, Math.round(3.3 * MiB)];
    it.each(sizes)(`hashes %i bytes in parts of ${partSize} like node:crypto`, async (size) => {
      const bytes = randomBytes(size);
      const want = expected(bytes, partSize);
      const hasher = createInlineHasher({ engines: [loader] });
      const progress: number[] = [];
      const result = await hasher.hash(oddBlob(bytes), { partSize, onProgress: (n) => progress.push(n) });
      expect(result).toEqual({ ...want, partSize, engine: loader.name, bytesHashed: size, runner: 'inline' });
      expect(result.partMd5s).toHaveLength(Math.ceil(size / partSize));
      if (size > 0) expect(progress.at(-1)).toBe(size);
      // Throttled: never more reports than MiB steps plus part ends, and always increasing.
      expect(progress.length).toBeLessThanOrEqual(Math.ceil(size / MiB) + Math.ceil(size / partSize) + 1);
      expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    });
  }
});

describe('hashBlob', () => {
  it('empty blob: sha1 of nothing, no parts, no hang', async () => {
    const engine = await wasmEngine.load();
    const result = await hashBlob(new Blob([]), engine, { partSize: MiB });
    expect(result.sha1).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(result.partMd5s).toEqual([]);
    expect(result.bytesHashed).toBe(0);
  });

  it('one big stream chunk (Node hands an in-memory Blob as one) is cut into parts', async () => {
    const bytes = randomBytes(5 * MiB + 3);
    const result = await hashBlob(new Blob([bytes]), await nodeCryptoEngine.load(), { partSize: KiB512 });
    expect(result).toMatchObject(expected(bytes, KiB512));
  });

  it('only: partMd5s skips the SHA-1; only: sha1 skips the MD5s', async () => {
    const bytes = randomBytes(MiB + 5);
    const want = expected(bytes, KiB512);
    const engine = await nodeCryptoEngine.load();
    const md5Only = await hashBlob(oddBlob(bytes), engine, { partSize: KiB512, only: 'partMd5s' });
    expect(md5Only).toMatchObject({ sha1: '', partMd5s: want.partMd5s, bytesHashed: MiB + 5 });
    const sha1Only = await hashBlob(oddBlob(bytes), engine, { partSize: KiB512, only: 'sha1' });
    expect(sha1Only).toMatchObject({ sha1: want.sha1, partMd5s: [] });
  });

  it('accepts exactly the protocol part sizes', () => {
    expect(HASH_PART_SIZES).toEqual(PART_SIZES);
  });

  it('rejects bad input with a typed error naming the parameter', async () => {
    const hasher = createInlineHasher();
    await expect(hasher.hash(new Blob(['x']), { partSize: 1000 })).rejects.toMatchObject({
      parameter: 'partSize',
      message: expect.stringContaining('524288 or 1048576'),
    });
    const notBlob = 'abc' as unknown as Blob;
    await expect(hasher.hash(notBlob, { partSize: MiB })).rejects.toBeInstanceOf(VodArgumentError);
    const badScope = { partSize: MiB, only: 'md5' } as unknown as { partSize: number };
    await expect(hasher.hash(new Blob(['x']), badScope)).rejects.toMatchObject({ parameter: 'only' });
  });

  it('a source yielding other than its size is a read error, not a wrong hash', async () => {
    class Liar extends Blob {
      override get size(): number {
        return 10;
      }
    }
    await expect(hashBlob(new Liar(['abc']), await sparkEngine.load(), { partSize: MiB })).rejects.toMatchObject({
      name: 'NotReadableError',
    });
  });
});

describe('abort', () => {
  it('already-aborted signal rejects before reading', async () => {
    const blob = new SlowBlob(4 * MiB);
    const signal = AbortSignal.abort();
    await expect(createInlineHasher().hash(blob, { partSize: MiB, signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(blob.pulled).toBe(0);
  });

  it('abort mid-way rejects with the reason and stops reading, even while a read is pending', async () => {
    // After 1 MiB the next read never finishes: only a hasher that cancels it (instead of
    // awaiting it) settles at all.
    const blob = new SlowBlob(64 * MiB, 262144, 1, MiB);
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    const job = createInlineHasher({ engines: [sparkEngine] }).hash(blob, { partSize: KiB512, signal: controller.signal });
    await within(blob.stalled, 10_000, 'the hasher never reached the stalled read');
    controller.abort(reason);
    await expect(within(job, 10_000, 'the hasher awaited the pending read')).rejects.toBe(reason);
    expect(blob.cancelled).toBe(true);
    expect(blob.pulled).toBe(MiB); // nothing read after the stall
  });

  it('abort lands while one huge chunk is being hashed (the loop yields)', async () => {
    const blob = new Blob([new Uint8Array(32 * MiB).fill(7)]); // one stream chunk in Node
    const controller = new AbortController();
    let last = 0;
    setTimeout(() => controller.abort(), 30);
    const job = createInlineHasher({ engines: [sparkEngine] }).hash(blob, {
      partSize: MiB,
      signal: controller.signal,
      onProgress: (n) => (last = n),
    });
    await expect(job).rejects.toMatchObject({ name: 'AbortError' });
    // Stopped inside the one chunk: a loop that never yields would hash it all before noticing.
    expect(last).toBeLessThan(32 * MiB);
  });
});

describe('engine fallback', () => {
  const failing: HashEngineLoader = {
    name: 'wasm',
    load: () => Promise.reject(new WebAssembly.CompileError('WebAssembly.compile(): blocked by CSP')),
  };

  it('a loader that throws falls back to the next; the result names the engine used', async () => {
    const bytes = randomBytes(MiB + 17);
    const result = await createInlineHasher({ engines: [failing, sparkEngine] }).hash(oddBlob(bytes), { partSize: MiB });
    expect(result.engine).toBe('spark');
    expect(result).toMatchObject(expected(bytes, MiB));
    expect((await loadFirstEngine([failing, nodeCryptoEngine])).name).toBe('node');
  });

  it('no engine loads → AggregateError listing every failure', async () => {
    const error: unknown = await loadFirstEngine([failing, failing]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors).toHaveLength(2);
    await expect(loadFirstEngine([])).rejects.toMatchObject({ parameter: 'engines' });
  });

  it('the default order is wasm first (it loads under Node)', async () => {
    const result = await createInlineHasher().hash(new Blob(['abc']), { partSize: MiB });
    expect(result.engine).toBe('wasm');
    expect(result.sha1).toBe(createHash('sha1').update('abc').digest('hex'));
  });

  it('a wasm engine hands out its instances once (concurrent jobs load their own)', async () => {
    const engine = await wasmEngine.load();
    engine.md5();
    expect(() => engine.md5()).toThrow(/in use/);
    const hasher = createInlineHasher({ engines: [wasmEngine] });
    const a = randomBytes(MiB + 1);
    const b = randomBytes(2 * MiB + 1);
    const [ra, rb] = await Promise.all([hasher.hash(oddBlob(a), { partSize: KiB512 }), hasher.hash(oddBlob(b), { partSize: KiB512 })]);
    expect(ra).toMatchObject(expected(a, KiB512));
    expect(rb).toMatchObject(expected(b, KiB512));
  });
});
