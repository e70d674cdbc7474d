/**
 * Files of 4 GiB and more through the Node entry. Node 20's `fs.openAsBlob` reports sizes modulo
 * 2^32, so these would be "0 bytes" (or a few MiB) if the entry trusted it. The file is sparse:
 * zeros, with distinct bytes written around 2^32 and in the last part, so a read at a wrong
 * position (offset modulo 2^32, say) gets the wrong bytes and fails the MD5 check.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFile, upload } from '../src/adapters/node/index.js';
import { assertUploadableSize } from '../src/adapters/shared/file-size.js';
import { planParts, type CheckpointStore } from '../src/core/index.js';
import { DEV_CREDENTIALS, MemoryStorage, startEmulator } from '../src/emulator/index.js';
import { VodArgumentError } from '../src/protocol/index.js';

const MiB = 1 << 20;
/** 4098 parts of 1 MiB: part 4096 starts at 2^32, part 4097 holds the last 123 bytes. */
const SIZE = 2 ** 32 + MiB + 123;
const PART_COUNT = 4098;
const FIRST_BEYOND_4GIB = 4096;

/** The bytes written into the sparse file: everything else reads as zeros. */
const marks = [
  { offset: 2 ** 32 - 7, bytes: randomBytes(14) }, // across the 4 GiB boundary (parts 4095 and 4096)
  { offset: 2 ** 32 + 1000, bytes: randomBytes(64 * 1024) },
  { offset: SIZE - 123, bytes: randomBytes(123) }, // the whole last part
];

/** Part `index` as the file holds it. */
function expectedPart(index: number): Uint8Array {
  const start = index * MiB;
  const part = new Uint8Array(Math.min(MiB, SIZE - start));
  for (const { offset, bytes } of marks) {
    for (let i = 0; i < bytes.length; i++) {
      const at = offset + i - start;
      if (at >= 0 && at < part.length) part[at] = bytes[i]!;
    }
  }
  return part;
}

const touched = (index: number): boolean =>
  marks.some(({ offset, bytes }) => offset < (index + 1) * MiB && offset + bytes.length > index * MiB);
const md5 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');

let dir: string;
let path: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vod-large-file-'));
  path = join(dir, 'over-4-gib.mp4');
  const handle = await open(path, 'w');
  try {
    await handle.truncate(SIZE);
    for (const { offset, bytes } of marks) await handle.write(bytes, 0, bytes.length, offset);
  } finally {
    await handle.close();
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a file over 4 GiB from the Node entry', () => {
  it('openFile reports the exact size, plans 4098 parts and reads parts beyond 2^32 by position', async () => {
    const file = await openFile(path);
    expect(file.size).toBe(SIZE);
    const parts = planParts(file.size, MiB);
    expect(parts).toHaveLength(PART_COUNT);
    expect(parts[FIRST_BEYOND_4GIB]).toEqual({ index: FIRST_BEYOND_4GIB, offset: 2 ** 32, size: MiB });
    expect(parts.at(-1)).toEqual({ index: PART_COUNT - 1, offset: 2 ** 32 + MiB, size: 123 });
    for (const index of [FIRST_BEYOND_4GIB - 1, FIRST_BEYOND_4GIB, PART_COUNT - 1]) {
      const part = parts[index]!;
      const bytes = new Uint8Array(await (await file.slice(part.offset, part.offset + part.size)).arrayBuffer());
      expect(md5(bytes), `part ${index}`).toBe(md5(expectedPart(index)));
    }
  });

  it('uploads to the emulator: parts 4096 and the last are sent with the right bytes, Finish checks the SHA-1', async () => {
    // Hashing 4 GiB would dominate the test: the hashes are computed here from the known content
    // and handed over as a checkpoint, and the emulator already holds the all-zero parts.
    const zeroMd5 = md5(new Uint8Array(MiB));
    const partMd5s = Array.from({ length: PART_COUNT }, (_, index) => (touched(index) ? md5(expectedPart(index)) : zeroMd5));
    const sha1 = createHash('sha1');
    const zeros = new Uint8Array(MiB);
    for (let index = 0; index < PART_COUNT; index++) sha1.update(touched(index) ? expectedPart(index) : zeros);
    const fileSha = sha1.digest('hex');

    const storage = new MemoryStorage();
    await storage.putSession({
      secretId: DEV_CREDENTIALS.secretId,
      fileSha,
      fileName: 'over-4-gib',
      fileType: 'mp4',
      fileSize: SIZE,
      dataSize: 1048576,
      createdAt: Date.now(),
    });
    const sentByClient = [FIRST_BEYOND_4GIB, PART_COUNT - 1];
    for (let index = 0; index < PART_COUNT; index++) {
      if (sentByClient.includes(index)) continue;
      const bytes = touched(index) ? expectedPart(index) : zeros;
      await storage.putPart(DEV_CREDENTIALS.secretId, fileSha, { offset: index * MiB, dataSize: bytes.length, dataMd5: partMd5s[index]! }, [
        bytes,
      ]);
    }
    let checkpointReads = 0;
    const checkpoints: CheckpointStore = {
      get: async () => {
        checkpointReads += 1;
        return { version: 1, sha1: fileSha, partSize: MiB, partMd5s, size: SIZE, createdAt: Date.now() };
      },
      set: async () => undefined,
      delete: async () => undefined,
    };

    const emulator = await startEmulator({ port: 0, storage });
    try {
      const result = await upload(await openFile(path), { endpoint: emulator.endpoint, ...DEV_CREDENTIALS, checkpoints }).done;
      expect(checkpointReads).toBe(1);
      expect(result).toMatchObject({ kind: 'resumed', sha1: fileSha, partsSent: 2 });
      const sent = emulator.emulator.log
        .entries()
        .filter((entry) => entry.action === 'UploadPart')
        .map((entry) => entry.offset);
      expect(sent.sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(sentByClient.map((index) => index * MiB));
      // What the emulator serves at those offsets is what the file holds there.
      for (const index of sentByClient) {
        const start = index * MiB;
        const end = Math.min(SIZE, start + MiB) - 1;
        const response = await fetch(result.url, { headers: { Range: `bytes=${start}-${end}` } });
        expect(response.status).toBe(206);
        expect(md5(new Uint8Array(await response.arrayBuffer())), `served part ${index}`).toBe(partMd5s[index]);
      }
    } finally {
      await emulator.close();
    }
  }, 120_000);
});

describe('sizes no JavaScript number holds exactly', () => {
  it('openFile in every server runtime refuses 2^53 bytes and more, naming the path', () => {
    expect(assertUploadableSize('/v/a.mp4', 2 ** 53 - 1)).toBe(2 ** 53 - 1);
    expect(assertUploadableSize('/v/a.mp4', 2n ** 40n)).toBe(2 ** 40);
    for (const size of [2 ** 53, 2 ** 60, 2n ** 53n, -1, Number.NaN]) {
      expect(() => assertUploadableSize('/v/a.mp4', size)).toThrow(VodArgumentError);
    }
    expect(() => assertUploadableSize('/v/a.mp4', 2 ** 53)).toThrow(
      'Invalid path: expected a file smaller than 2^53 bytes (/v/a.mp4 has 9007199254740992)',
    );
  });
});
