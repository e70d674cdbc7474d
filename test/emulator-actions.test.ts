/**
 * The protocol's three actions (src/emulator/actions.ts) through the emulator's web-standard
 * handler, as a Workers proxy or a browser test would run it: each answer's text, what a session
 * keeps, the missing-parts message, and the refusals that protect a finished file from wrong bytes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskStorage } from '../src/emulator/disk-storage.js';
import { createEmulator, DEV_CREDENTIALS, MemoryStorage, type Emulator } from '../src/emulator/index.js';
import { initParams, makeFile, md5Hex, partsOf, signedUrl, type Answer, type TestFile } from './helpers/emulator-client.js';

const ENDPOINT = 'http://vod.example.test/v2/index.php';
const MiB = 1048576;
let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** One signed request through the handler; `body` as the Request's own body (no `requestBody` option). */
async function send(action: string, params: Record<string, string | number>, body?: BodyInit): Promise<Answer> {
  const init: RequestInit & { duplex?: 'half' } = { method: 'POST' };
  if (body !== undefined) init.body = body;
  if (body instanceof ReadableStream) init.duplex = 'half';
  const response = await emulator!.handler(new Request(await signedUrl(ENDPOINT, action, params), init));
  return (await response.json()) as Answer;
}
const partParams = (file: TestFile, offset: number, dataSize: number, dataMd5?: string) => ({
  fileSha: file.fileSha,
  offset,
  dataSize,
  dataMd5: dataMd5 ?? md5Hex(file.bytes.subarray(offset, offset + dataSize)),
});
const sendPart = (file: TestFile, offset: number, dataSize: number) =>
  send('UploadPart', partParams(file, offset, dataSize), file.bytes.slice(offset, offset + dataSize));

describe('actions: what each answer says', () => {
  it('a whole upload from the Request bodies themselves, each answer with its text', async () => {
    emulator = createEmulator();
    const file = makeFile(MiB + 10);
    expect(await send('FinishUpload', { fileSha: file.fileSha })).toMatchObject({
      code: -10005,
      message: `no upload session for fileSha ${file.fileSha}: call InitUpload first`,
    });
    expect(await send('InitUpload', initParams(file))).toMatchObject({ code: 0, message: 'upload session created' });
    expect(await sendPart(file, 0, MiB)).toMatchObject({ code: 0, message: 'part stored' });
    expect(await send('InitUpload', initParams(file))).toMatchObject({ code: 1, message: 'resume the upload' });
    expect(await sendPart(file, MiB, 10)).toMatchObject({ code: 0 });
    const finished = await send('FinishUpload', { fileSha: file.fileSha });
    expect(finished).toMatchObject({ code: 0, message: 'upload finished' });
    expect(await send('FinishUpload', { fileSha: file.fileSha })).toMatchObject({
      code: 0,
      message: 'file already finished',
      fileId: finished.fileId,
    });
    expect(await send('InitUpload', initParams(file))).toMatchObject({
      code: 2,
      message: 'file already uploaded',
      fileId: finished.fileId,
    });
    const served = await emulator.handler(new Request(finished.url!));
    expect(md5Hex(new Uint8Array(await served.arrayBuffer()))).toBe(md5Hex(file.bytes));
  });

  it('a body cut short, too long, or broken is named as such (canRetry 1)', async () => {
    emulator = createEmulator();
    const file = makeFile(1000);
    await send('InitUpload', initParams(file));
    const params = partParams(file, 0, 1000);
    expect(await send('UploadPart', params, file.bytes.slice(0, 999))).toMatchObject({
      code: -10006,
      canRetry: 1,
      message: 'body is shorter than dataSize 1000',
    });
    expect((await send('UploadPart', params, new Uint8Array(1001))).message).toBe('body is longer than dataSize 1000');
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(file.bytes.slice(0, 100));
        controller.error(new Error('connection lost'));
      },
    });
    expect((await send('UploadPart', params, broken)).message).toBe('body is broken before dataSize 1000');
  });
});

describe('actions: sessions', () => {
  it('InitUpload with another fileSize for the same fileSha is refused, naming both sizes', async () => {
    emulator = createEmulator();
    const file = makeFile(1000);
    await send('InitUpload', initParams(file));
    expect(await send('InitUpload', { ...initParams(file), fileSize: 2000 })).toMatchObject({
      code: -10003,
      canRetry: 0,
      message: `fileSize: 2000 differs from the session's 1000 for this fileSha`,
    });
  });

  it('keeps classId and tags in the session when given, and no such keys when not', async () => {
    const storage = new MemoryStorage();
    emulator = createEmulator({ storage });
    const [tagged, plain] = [makeFile(10), makeFile(11)];
    await send('InitUpload', initParams(tagged, MiB, { classId: 7, 'tag.1': 'a', 'tag.2': 'b' }));
    await send('InitUpload', initParams(plain));
    expect(await storage.getSession(DEV_CREDENTIALS.secretId, tagged.fileSha)).toMatchObject({ classId: 7, tags: ['a', 'b'] });
    const session = await storage.getSession(DEV_CREDENTIALS.secretId, plain.fileSha);
    expect(session).toBeDefined();
    expect(Object.keys(session!)).not.toContain('classId');
    expect(Object.keys(session!)).not.toContain('tags');
  });

  it('a part at the offset where the file ends is refused by its offset', async () => {
    emulator = createEmulator();
    const file = makeFile(2 * MiB);
    await send('InitUpload', initParams(file));
    expect((await send('UploadPart', { ...partParams(file, 0, 10), offset: 2 * MiB }, new Uint8Array(10))).message).toBe(
      `offset: expected a multiple of ${MiB} below ${2 * MiB}, got ${2 * MiB}`,
    );
  });

  it("one session's InitUpload waiting on slow storage does not hold up another file's", async () => {
    const [slow, quick] = [makeFile(10), makeFile(11)];
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let slowStarted = false;
    const storage = new MemoryStorage();
    const getFileBySha = storage.getFileBySha.bind(storage);
    storage.getFileBySha = async (secretId, fileSha) => {
      if (fileSha === slow.fileSha) {
        slowStarted = true;
        await released;
      }
      return getFileBySha(secretId, fileSha);
    };
    emulator = createEmulator({ storage });
    const slowInit = send('InitUpload', initParams(slow));
    await expect.poll(() => slowStarted, { timeout: 10_000 }).toBe(true);
    const quickInit = send('InitUpload', initParams(quick));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([quickInit, new Promise((resolve) => (timer = setTimeout(resolve, 10_000, 'held up')))]);
    clearTimeout(timer);
    release();
    expect(outcome).toMatchObject({ code: 0 });
    expect(await slowInit).toMatchObject({ code: 0 });
  });

  it('parts of two sessions sent in turn each finish as their own file', async () => {
    emulator = createEmulator();
    const [first, second] = [makeFile(2 * MiB + 5), makeFile(2 * MiB + 7)];
    for (const file of [first, second]) await send('InitUpload', initParams(file));
    for (const [index, part] of partsOf(first.fileSize, MiB).entries()) {
      expect((await sendPart(first, part.offset, part.dataSize)).code).toBe(0);
      const other = partsOf(second.fileSize, MiB)[index]!;
      expect((await sendPart(second, other.offset, other.dataSize)).code).toBe(0);
    }
    for (const file of [first, second]) expect((await send('FinishUpload', { fileSha: file.fileSha })).code).toBe(0);
  });
});

describe('actions: FinishUpload', () => {
  it('names the first 20 missing offsets and counts the rest', async () => {
    emulator = createEmulator();
    const many = { fileName: 'clip', fileType: 'mp4', dataSize: MiB };
    const twenty = makeFile(1);
    await send('InitUpload', { ...many, fileSha: twenty.fileSha, fileSize: 20 * MiB });
    const offsets = (count: number) => Array.from({ length: count }, (_, index) => index * MiB);
    expect(await send('FinishUpload', { fileSha: twenty.fileSha })).toMatchObject({
      code: -10003,
      message: `parts missing at offsets ${offsets(20).join(', ')}`,
      missingOffsets: offsets(20),
    });
    const twentySix = makeFile(2);
    await send('InitUpload', { ...many, fileSha: twentySix.fileSha, fileSize: 25 * MiB + 1 });
    expect(await send('FinishUpload', { fileSha: twentySix.fileSha })).toMatchObject({
      message: `parts missing at offsets ${offsets(20).join(', ')} and 6 more`,
      missingOffsets: offsets(26),
    });
  });

  it('on a storage that finishes from its parts, bytes whose SHA-1 is not fileSha are refused and dropped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vod-actions-'));
    try {
      emulator = createEmulator({ storage: await DiskStorage.open(dir) });
      const file = makeFile(MiB + 10);
      const claimed = { ...file, fileSha: makeFile(1).fileSha };
      await send('InitUpload', initParams(claimed));
      for (const part of partsOf(file.fileSize, MiB)) expect((await sendPart(claimed, part.offset, part.dataSize)).code).toBe(0);
      expect(await send('FinishUpload', { fileSha: claimed.fileSha })).toMatchObject({ code: -10006, canRetry: 0 });
      expect(await send('InitUpload', initParams(claimed))).toMatchObject({ code: 1, listParts: [] });
    } finally {
      await emulator?.close();
      emulator = undefined;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
