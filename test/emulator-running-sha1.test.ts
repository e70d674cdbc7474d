/**
 * FinishUpload's SHA-1 from digests kept while parts arrive: each byte is hashed once whatever the
 * order parts come in, and a part stored again after it was hashed makes Finish hash the stored
 * parts instead (so a file whose bytes changed is still refused).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { portableHashing, startEmulator, type EmulatorHashing, type RunningEmulator } from '../src/emulator/index.js';
import { call, initParams, makeFile, md5Hex, partsOf, randomBytes, sendPart, type TestFile } from './helpers/emulator-client.js';

const PART = 524288;
let running: RunningEmulator | undefined;

afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** The portable engine, counting the bytes SHA-1 is fed. */
function countingHashing(): EmulatorHashing & { sha1Bytes: number } {
  const counting = {
    name: 'counting',
    sha1Bytes: 0,
    md5: () => portableHashing.md5(),
    sha1: () => {
      const digest = portableHashing.sha1();
      return {
        update(bytes: Uint8Array) {
          counting.sha1Bytes += bytes.length;
          digest.update(bytes);
        },
        hex: () => digest.hex(),
      };
    },
  };
  return counting;
}

async function start(hashing: EmulatorHashing): Promise<string> {
  running = await startEmulator({ port: 0, hashing });
  return running.endpoint;
}

async function sendInOrder(endpoint: string, file: TestFile, offsets: number[]): Promise<void> {
  for (const offset of offsets) {
    const sent = await sendPart(endpoint, file, offset, Math.min(PART, file.fileSize - offset));
    expect(sent.answer.code, `part at ${offset}`).toBe(0);
  }
}

describe('FinishUpload hashes as parts arrive', () => {
  it.each([
    ['in order', (offsets: number[]) => offsets],
    ['in reverse order', (offsets: number[]) => [...offsets].reverse()],
    ['interleaved', (offsets: number[]) => [offsets[1]!, offsets[0]!, offsets[3]!, offsets[2]!]],
  ])('%s: every byte is hashed once and the file is served whole', async (_, order) => {
    const hashing = countingHashing();
    const endpoint = await start(hashing);
    const file = makeFile(3 * PART + 777);
    expect((await call(endpoint, 'InitUpload', initParams(file, PART))).answer.code).toBe(0);
    await sendInOrder(endpoint, file, order(partsOf(file.fileSize, PART).map((part) => part.offset)));
    const finish = await call(endpoint, 'FinishUpload', { fileSha: file.fileSha });
    expect(finish.answer.code).toBe(0);
    expect(hashing.sha1Bytes).toBe(file.fileSize);
    const served = new Uint8Array(await (await fetch(finish.answer.url!)).arrayBuffer());
    expect(md5Hex(served)).toBe(md5Hex(file.bytes));
  });

  it('a part stored again after it was hashed: Finish hashes the stored parts and refuses the changed file', async () => {
    const hashing = countingHashing();
    const endpoint = await start(hashing);
    const file = makeFile(2 * PART);
    expect((await call(endpoint, 'InitUpload', initParams(file, PART))).answer.code).toBe(0);
    await sendInOrder(endpoint, file, [0, PART]);
    // Other bytes at offset 0, with their own (correct) MD5: the part is accepted, the file is not.
    const other = { ...file, bytes: randomBytes(2 * PART) };
    expect((await sendPart(endpoint, other, 0, PART)).answer.code).toBe(0);
    const finish = await call(endpoint, 'FinishUpload', { fileSha: file.fileSha });
    expect(finish.answer.code).toBe(-10006);
    expect(finish.answer.message).toMatch(/SHA-1/);
    expect(hashing.sha1Bytes).toBe(2 * PART + 2 * PART);
  });

  it('after a refused Finish dropped the parts, a new round of parts is hashed from the start', async () => {
    const hashing = countingHashing();
    const endpoint = await start(hashing);
    const file = makeFile(2 * PART);
    expect((await call(endpoint, 'InitUpload', initParams(file, PART))).answer.code).toBe(0);
    await sendInOrder(endpoint, file, [0]);
    const other = { ...file, bytes: randomBytes(2 * PART) };
    await sendInOrder(endpoint, other, [PART]);
    expect((await call(endpoint, 'FinishUpload', { fileSha: file.fileSha })).answer.code).toBe(-10006);
    await sendInOrder(endpoint, file, [0, PART]);
    const finish = await call(endpoint, 'FinishUpload', { fileSha: file.fileSha });
    expect(finish.answer.code).toBe(0);
  });
});
