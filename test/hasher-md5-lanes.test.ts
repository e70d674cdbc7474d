/**
 * Part MD5s four at a time (WebAssembly SIMD lanes, src/hasher/engines/md5-lanes*.ts): the same
 * digests as node:crypto for every part, whatever the number of parts, and the wasm engine's
 * jobs really go through the lanes for files of four parts or more.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadMd5Lanes } from '../src/hasher/engines/md5-lanes.js';
import { hashBlob, wasmEngine } from '../src/hasher/index.js';
import type { HashEngine, PartMd5Batch } from '../src/hasher/types.js';
import { expected, oddBlob, randomBytes } from './hasher-helpers.js';

const KiB512 = 524288;
const MiB = 1048576;
const md5 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');

describe('four-lane MD5', () => {
  it.each([64, KiB512, MiB])('digests four parts of %i bytes like node:crypto, again after refilling', async (partSize) => {
    const batches = await loadMd5Lanes();
    expect(batches, 'SIMD WebAssembly runs under Node').toBeDefined();
    const batch = batches!(partSize)!;
    for (let round = 0; round < 2; round++) {
      const parts = [0, 1, 2, 3].map(() => randomBytes(partSize));
      parts.forEach((part, lane) => {
        batch.lane(lane).set(part);
      });
      expect(batch.digest()).toEqual(parts.map(md5));
    }
  });

  it('refuses part sizes it cannot hold (the caller then uses the plain MD5)', async () => {
    const batches = (await loadMd5Lanes())!;
    expect(batches(100)).toBeUndefined();
    expect(batches(4 * MiB)).toBeUndefined();
  });
});

describe('hashBlob through the lanes', () => {
  /** The wasm engine, counting the lanes' digests. */
  async function countingEngine(): Promise<{ engine: HashEngine; digests: () => number }> {
    const real = await wasmEngine.load();
    let digests = 0;
    const partMd5Batch = (partSize: number): PartMd5Batch | undefined => {
      const batch = real.partMd5Batch?.(partSize);
      return batch && { lanes: batch.lanes, lane: (index) => batch.lane(index), digest: () => (digests++, batch.digest()) };
    };
    return { engine: { ...real, partMd5Batch }, digests: () => digests };
  }

  // Whole groups of four, groups with a short tail, a part short of a group, one byte past.
  it.each([4, 5, 7, 8.5, 9.25, 3.5, 12])('%s parts: SHA-1 and every part MD5 as node:crypto', async (parts) => {
    for (const partSize of [KiB512, MiB]) {
      const size = Math.round(parts * partSize);
      const bytes = randomBytes(size);
      const { engine, digests } = await countingEngine();
      const result = await hashBlob(oddBlob(bytes), engine, { partSize });
      expect({ sha1: result.sha1, partMd5s: result.partMd5s }).toEqual(expected(bytes, partSize));
      expect(digests(), 'groups of four hashed in lanes').toBe(Math.floor(size / partSize / 4));
    }
  });

  it('only: partMd5s goes through the lanes too; only: sha1 does not touch them', async () => {
    const bytes = randomBytes(6 * KiB512 + 3);
    const want = expected(bytes, KiB512);
    const md5Only = await countingEngine();
    expect((await hashBlob(oddBlob(bytes), md5Only.engine, { partSize: KiB512, only: 'partMd5s' })).partMd5s).toEqual(want.partMd5s);
    expect(md5Only.digests()).toBe(1);
    const sha1Only = await countingEngine();
    expect((await hashBlob(oddBlob(bytes), sha1Only.engine, { partSize: KiB512, only: 'sha1' })).sha1).toBe(want.sha1);
    expect(sha1Only.digests()).toBe(0);
  });
});
