/**
 * The same bytes uploaded twice at once (issue 9, bug 4): when one copy finishes, the other's
 * parts or Finish get -10005 (the session is gone). It asks InitUpload again, which answers code 2
 * (instant) or a fresh session. Both complete, byte-exact, on the memory and the disk emulator.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { uploadWithClient as upload } from '../src/engine.js';
import { countingHasher, makeClient, randomFile, sha1Of, bytesOf, startEmulator } from './helpers/upload-stack.js';

const ROUNDS = 6;
const KiB512 = 524288;
let dataDir: string | undefined;
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('a session another upload just finished', () => {
  it('-10005 on the last part: InitUpload again answers code 2, and the upload ends as instant', async () => {
    const emu = await startEmulator({ port: 0 });
    try {
      const file = randomFile(4 * KiB512 + 7, 'held.mp4');
      const lastOffset = 4 * KiB512;
      let releaseHeld!: () => void;
      const held = new Promise<void>((resolve) => (releaseHeld = resolve));
      let heldSeen!: () => void;
      const reachedHeld = new Promise<void>((resolve) => (heldSeen = resolve));
      // B's last part waits until A has finished the same bytes (a deterministic race).
      const holdLast: typeof fetch = async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        if (url.searchParams.get('Action') === 'UploadPart' && url.searchParams.get('offset') === String(lastOffset)) {
          heldSeen();
          await held;
        }
        return fetch(input, init);
      };
      const options = { hasher: countingHasher(), partSize: 524288 as const, checkpoints: false as const, concurrency: 1 };
      const b = upload(file, { ...options, client: makeClient(emu, { fetch: holdLast }) });
      await reachedHeld;
      const a = await upload(new File([file], 'copy.mp4'), { ...options, client: makeClient(emu) }).done;
      releaseHeld();
      const result = await b.done;
      expect(result).toMatchObject({ kind: 'instant', fileId: a.fileId, sha1: sha1Of(await bytesOf(file)) });
    } finally {
      await emu.close();
    }
  }, 60_000);
});

describe.each(['memory', 'disk'] as const)('two concurrent uploads of identical bytes (%s emulator)', (kind) => {
  it(`all ${ROUNDS} pairs complete and the url serves the bytes`, async () => {
    if (kind === 'disk') dataDir = await mkdtemp(join(tmpdir(), 'vod-twice-'));
    const emu = await startEmulator({ port: 0, ...(kind === 'disk' ? { data: dataDir! } : {}) });
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const file = randomFile(6 * KiB512 + 99, `a-${round}.mp4`);
        const copy = new File([file], `copy-of-a-${round}.mp4`);
        const options = {
          client: makeClient(emu),
          hasher: countingHasher(),
          partSize: 524288 as const,
          checkpoints: false as const,
          retry: { baseDelayMs: 1 },
        };
        const results = await Promise.all([upload(file, options).done, upload(copy, options).done]);
        const bytes = await bytesOf(file);
        for (const result of results) {
          expect(result.sha1).toBe(sha1Of(bytes));
          expect(Buffer.from(await (await fetch(result.url)).arrayBuffer()).equals(bytes)).toBe(true);
        }
      }
    } finally {
      await emu.close();
    }
  }, 120_000);
});
