import { describe, expect, it } from 'vitest';
import type { VodClient } from '../src/client/client.js';
import { PRESIGN_BATCH, presignAhead } from '../src/core/presign-ahead.js';
import type { UploadPartParams } from '../src/protocol/schemas.js';

const partsOf = (count: number): UploadPartParams[] =>
  Array.from({ length: count }, (_, i) => ({ fileSha: 'a'.repeat(40), offset: i * 10, dataSize: 10, dataMd5: 'b'.repeat(32) }));

/** A client whose presignParts records each batch's offsets, and resolves (or fails) when told to. */
function signingClient(outcome: 'resolve' | 'reject' = 'resolve') {
  const batches: number[][] = [];
  const settle: (() => void)[] = [];
  const client = {
    presignParts(list: readonly UploadPartParams[]) {
      batches.push(list.map((params) => params.offset / 10));
      return new Promise<void>((resolve, reject) => {
        settle.push(() => (outcome === 'resolve' ? resolve() : reject(new Error('signer down'))));
      });
    },
  } as unknown as VodClient;
  return { client, batches, settle };
}

/** Whether `promise` has settled once the microtasks queued so far have run. */
async function settledNow(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 10; i++) await Promise.resolve();
  return settled;
}

describe('presignAhead', () => {
  it('signs a batch of PRESIGN_BATCH parts at a time, topping up only when fewer than `concurrency` are left ahead', async () => {
    const { client, batches, settle } = signingClient();
    const ahead = presignAhead(client, partsOf(80), 4);
    const first = ahead.ready(0);
    expect(batches).toEqual([Array.from({ length: PRESIGN_BATCH }, (_, i) => i)]);
    // Part 0 waits for its batch to be signed.
    expect(await settledNow(first)).toBe(false);
    settle[0]!();
    await first;
    // 32 signed: parts up to 28 still have 4 or more signed ahead of them.
    await ahead.ready(28);
    expect(batches).toHaveLength(1);
    const next = ahead.ready(29);
    expect(batches.map((batch) => [batch[0], batch.at(-1), batch.length])).toEqual([
      [0, 31, 32],
      [32, 63, 32],
    ]);
    // Part 29 was signed in the first batch: it does not wait for the second.
    await next;
    const third = ahead.ready(61);
    expect(batches.map((batch) => [batch[0], batch.at(-1), batch.length])).toEqual([
      [0, 31, 32],
      [32, 63, 32],
      [64, 79, 16],
    ]);
    // Part 61 is in the second batch, which is not signed yet.
    expect(await settledNow(third)).toBe(false);
    settle[1]!();
    await third;
    // All 80 asked for: nothing more to sign.
    const last = ahead.ready(79);
    expect(batches).toHaveLength(3);
    settle[2]!();
    await last;
  });

  it('a high concurrency signs twice the concurrency per batch, so a batch outlasts the parts in flight', async () => {
    const { client, batches, settle } = signingClient();
    const ready = presignAhead(client, partsOf(100), 20).ready(0);
    expect(batches.map((batch) => batch.length)).toEqual([40]);
    settle[0]!();
    await ready;
  });

  it('a failing signer only costs the optimisation: ready() resolves and the part is signed on demand', async () => {
    const { client, batches, settle } = signingClient('reject');
    const ready = presignAhead(client, partsOf(3), 2).ready(0);
    expect(batches).toEqual([[0, 1, 2]]);
    settle[0]!();
    await expect(ready).resolves.toBeUndefined();
  });

  it('a client that cannot sign ahead is ready at once', async () => {
    await expect(presignAhead({} as VodClient, partsOf(3), 2).ready(0)).resolves.toBeUndefined();
  });
});
