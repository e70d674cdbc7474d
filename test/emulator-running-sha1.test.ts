/**
 * FinishUpload's SHA-1 from digests kept while parts arrive: each byte is hashed once whatever the
 * order parts come in, and a part stored again after it was hashed makes Finish hash the stored
 * parts instead (so a file whose bytes changed is still refused).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { portableHashing, startEmulator, type EmulatorHashing, type RunningEmulator } from '../src/emulator/index.js';
import { RunningSha1 } from '../src/emulator/running-sha1.js';
import { call, initParams, makeFile, md5Hex, partsOf, randomBytes, sendPart, sha1Hex, type TestFile } from './helpers/emulator-client.js';

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

describe('RunningSha1', () => {
  const bytes = randomBytes(30);
  const piece = (start: number, end: number): Uint8Array[] => [bytes.subarray(start, end)];
  const never = (): Promise<readonly Uint8Array[]> => Promise.reject(new Error('not read back in this test'));

  it('parts that came early are read back in offset order; the digest is the whole file', async () => {
    const running = new RunningSha1(portableHashing);
    const readBacks: number[] = [];
    const readBack = async (offset: number) => {
      readBacks.push(offset);
      return piece(offset, offset + 10);
    };
    running.stored('k', 20, piece(20, 30), readBack);
    running.stored('k', 10, piece(10, 20), readBack);
    running.stored('k', 0, piece(0, 10), readBack);
    expect(await running.take('k', 30)).toBe(sha1Hex(bytes));
    expect(readBacks).toEqual([10, 20]);
    expect(await running.take('k', 30)).toBeUndefined();
  });

  it('no digest when the size differs, a part is missing, or the key is unknown', async () => {
    const running = new RunningSha1(portableHashing);
    running.stored('k', 0, piece(0, 10), never);
    expect(await running.take('k', 30)).toBeUndefined();
    running.stored('gap', 0, piece(0, 10), never);
    running.stored('gap', 20, piece(20, 30), never);
    expect(await running.take('gap', 30)).toBeUndefined();
    expect(await running.take('unknown', 0)).toBeUndefined();
  });

  it('a part stored again at an offset already hashed, or a failed read back, drops the digest (and hashing stops)', async () => {
    const hashing = countingHashing();
    const running = new RunningSha1(hashing);
    running.stored('again', 0, piece(0, 10), never);
    running.stored('again', 10, piece(10, 20), never);
    running.stored('again', 0, piece(0, 10), never);
    running.stored('again', 20, piece(20, 30), never);
    expect(await running.take('again', 30)).toBeUndefined();
    expect(hashing.sha1Bytes).toBe(20);
    running.stored('failed', 10, piece(10, 20), never);
    running.stored('failed', 0, piece(0, 10), never);
    running.stored('failed', 20, piece(20, 30), never);
    expect(await running.take('failed', 30)).toBeUndefined();
  });

  it('forget() during a read back: the waiting take() gets nothing, no more is read back, and the key starts from nothing', async () => {
    const running = new RunningSha1(portableHashing);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reading!: () => void;
    const readStarted = new Promise<void>((resolve) => (reading = resolve));
    const readBack = async (offset: number) => {
      reading();
      await held;
      return piece(offset, offset + 10);
    };
    const readBacks: number[] = [];
    running.stored('k', 10, piece(10, 20), (offset) => (readBacks.push(offset), readBack(offset)));
    running.stored('k', 20, piece(20, 30), never);
    running.stored('k', 0, piece(0, 10), (offset) => (readBacks.push(offset), readBack(offset)));
    const taken = running.take('k', 30);
    await readStarted;
    running.forget('k');
    running.stored('k', 0, piece(0, 10), never);
    release();
    expect(await taken).toBeUndefined();
    // The dropped session reads nothing more back (offset 20 was waiting).
    expect(readBacks).toEqual([10]);
    running.forget('nothing here');
    running.stored('k', 10, piece(10, 20), never);
    expect(await running.take('k', 20)).toBe(sha1Hex(bytes.subarray(0, 20)));
  });
});
