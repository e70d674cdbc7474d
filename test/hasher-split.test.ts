/**
 * SHA-1 on one hasher and the part MD5s on another at once (src/hasher/split-hasher.ts, the
 * browser worker hasher's `threads: 2`): the merged result equals a single pass, progress is what
 * both sides have hashed, an abort or one side's failure stops both, and short or single-scope
 * jobs go to the first side alone.
 */
import { describe, expect, it } from 'vitest';
import { createBrowserWorkerHasher } from '../src/adapters/browser/hasher.js';
import { createInlineHasher, sparkEngine, wasmEngine } from '../src/hasher/index.js';
import { createSplitHasher } from '../src/hasher/split-hasher.js';
import type { HashOptions, HashResult, Hasher, HashSource } from '../src/hasher/types.js';
import { expected, oddBlob, randomBytes, SlowBlob } from './hasher-helpers.js';

const MiB = 1048576;

/** An inline hasher that records the scopes it was asked for. */
function recording(): Hasher & { scopes: string[] } {
  const inner = createInlineHasher({ engines: [wasmEngine] });
  const scopes: string[] = [];
  return {
    scopes,
    hash(blob: HashSource, options: HashOptions): Promise<HashResult> {
      scopes.push(options.only ?? 'all');
      return inner.hash(blob, options);
    },
  };
}

describe('split hasher', () => {
  it('SHA-1 on one side, part MD5s on the other: the same result as one pass, threads 2, progress up to the size', async () => {
    const [a, b] = [recording(), recording()];
    const bytes = randomBytes(5 * MiB + 3);
    const progress: number[] = [];
    const result = await createSplitHasher(a, b, MiB).hash(oddBlob(bytes), { partSize: MiB, onProgress: (n) => progress.push(n) });
    expect(result).toMatchObject({ ...expected(bytes, MiB), bytesHashed: bytes.length, engine: 'wasm', threads: 2 });
    expect([a.scopes, b.scopes]).toEqual([['sha1'], ['partMd5s']]);
    expect(progress.at(-1)).toBe(bytes.length);
    expect([...progress].sort((x, y) => x - y)).toEqual(progress);
  });

  it('short files and single-scope jobs run on the first side alone', async () => {
    const [a, b] = [recording(), recording()];
    const split = createSplitHasher(a, b, MiB);
    const short = randomBytes(MiB - 1);
    expect(await split.hash(new Blob([short]), { partSize: MiB })).toMatchObject(expected(short, MiB));
    await split.hash(new Blob([randomBytes(2 * MiB)]), { partSize: MiB, only: 'partMd5s' });
    expect([a.scopes, b.scopes]).toEqual([['all', 'partMd5s'], []]);
  });

  it('abort stops both reads; one side failing rejects and stops the other', async () => {
    const split = createSplitHasher(createInlineHasher({ engines: [sparkEngine] }), createInlineHasher({ engines: [sparkEngine] }), MiB);
    const blob = new SlowBlob(64 * MiB);
    const controller = new AbortController();
    let seen = 0;
    const job = split.hash(blob, { partSize: MiB, signal: controller.signal, onProgress: (n) => (seen = n) });
    for (let i = 0; i < 400 && seen === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await expect(job).rejects.toMatchObject({ name: 'AbortError' });

    const failing: Hasher = { hash: () => Promise.reject(new DOMException('gone', 'NotReadableError')) };
    let otherSignal: AbortSignal | undefined;
    const other: Hasher = {
      hash: (_blob, options) =>
        new Promise((_resolve, reject) => {
          otherSignal = options.signal;
          options.signal?.addEventListener('abort', () => reject(options.signal?.reason));
        }),
    };
    await expect(createSplitHasher(other, failing, 1).hash(new Blob(['abc']), { partSize: MiB })).rejects.toMatchObject({
      name: 'NotReadableError',
    });
    expect(otherSignal?.aborted).toBe(true);
  });

  it('the browser worker hasher takes threads 1 or 2 only', () => {
    expect(() => createBrowserWorkerHasher({ threads: 3 as 2 })).toThrow(expect.objectContaining({ parameter: 'threads' }));
  });
});
