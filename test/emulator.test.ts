/**
 * The emulator over real HTTP: the protocol's flows and every error code of PROTOCOL.md's table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, MemoryStorage, type EmulatorStorage, type RunningEmulator } from '../src/emulator/index.js';
import { call, initParams, makeFile, md5Hex, partsOf, sendPart, sha1Hex, signedUrl, uploadWhole } from './helpers/emulator-client.js';

const MiB = 1048576;
let emu: RunningEmulator;
let endpoint: string;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  endpoint = emu.endpoint;
});
afterAll(() => emu.close());

describe('upload flows', () => {
  it('Init → parts (short last) → Finish, then instant upload, then GET and Range return the bytes', async () => {
    const file = makeFile(Math.round(2.3 * MiB));
    const init = await call(endpoint, 'InitUpload', initParams(file));
    expect(init.status).toBe(200);
    expect(init.answer).toMatchObject({ code: 0, canRetry: 0, codeDesc: 'Success' });
    const parts = partsOf(file.fileSize, MiB);
    expect(parts.map((part) => part.dataSize)).toEqual([MiB, MiB, file.fileSize - 2 * MiB]);
    for (const part of parts) expect((await sendPart(endpoint, file, part.offset, part.dataSize)).answer.code).toBe(0);

    const finish = await call(endpoint, 'FinishUpload', { fileSha: file.fileSha });
    expect(finish.answer.code).toBe(0);
    const fileId = finish.answer.fileId!;
    expect(fileId).toMatch(/^[0-9]{19,20}$/);
    expect(BigInt(fileId) > 2n ** 53n).toBe(true);
    expect(finish.answer.url).toBe(`${emu.origin}/vod/${fileId}/f0.mp4`);

    const again = await call(endpoint, 'InitUpload', initParams(file));
    expect(again.answer).toMatchObject({ code: 2, fileId, url: finish.answer.url });

    const got = await fetch(finish.answer.url!);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('video/mp4');
    expect(got.headers.get('content-length')).toBe(String(file.fileSize));
    expect(got.headers.get('accept-ranges')).toBe('bytes');
    expect(sha1Hex(new Uint8Array(await got.arrayBuffer()))).toBe(file.fileSha);

    const start = MiB - 10;
    const end = MiB + 1000; // crosses a part boundary
    const ranged = await fetch(finish.answer.url!, { headers: { Range: `bytes=${start}-${end}` } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes ${start}-${end}/${file.fileSize}`);
    expect(new Uint8Array(await ranged.arrayBuffer())).toEqual(file.bytes.slice(start, end + 1));
  });

  it('two fileIds are distinct, and a repeated Finish answers the same file again', async () => {
    const first = makeFile(1000);
    const a = await uploadWhole(endpoint, first);
    const b = await uploadWhole(endpoint, makeFile(1000));
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(a.fileId).not.toBe(b.fileId);
    const repeated = await call(endpoint, 'FinishUpload', { fileSha: first.fileSha });
    expect(repeated.answer).toMatchObject({ code: 0, fileId: a.fileId, url: a.url });
  });

  it('resume (code 1) lists exactly the parts sent, with the session part size overriding the asked one', async () => {
    const file = makeFile(2 * MiB + 12345);
    expect((await call(endpoint, 'InitUpload', initParams(file, MiB))).answer.code).toBe(0);
    await sendPart(endpoint, file, 0, MiB);
    await sendPart(endpoint, file, 2 * MiB, 12345);
    const resume = await call(endpoint, 'InitUpload', initParams(file, 524288));
    expect(resume.answer).toMatchObject({ code: 1, canRetry: 0, dataSize: MiB });
    expect(resume.answer.listParts).toEqual([
      { offset: 0, dataSize: MiB, dataLen: MiB, dataMd5: md5Hex(file.bytes.subarray(0, MiB)) },
      { offset: 2 * MiB, dataSize: 12345, dataLen: 12345, dataMd5: md5Hex(file.bytes.subarray(2 * MiB)) },
    ]);
    await sendPart(endpoint, file, MiB, MiB);
    expect((await call(endpoint, 'FinishUpload', { fileSha: file.fileSha })).answer.code).toBe(0);
  });

  it('512 KiB parts; a part sent again replaces the earlier one (the later wins)', async () => {
    const file = makeFile(524288 + 1000);
    await call(endpoint, 'InitUpload', initParams(file, 524288));
    const wrong = new Uint8Array(1000).fill(7);
    const first = await call(
      endpoint,
      'UploadPart',
      { fileSha: file.fileSha, offset: 524288, dataSize: 1000, dataMd5: md5Hex(wrong) },
      { body: wrong },
    );
    expect(first.answer.code).toBe(0);
    await sendPart(endpoint, file, 0, 524288);
    await sendPart(endpoint, file, 524288, 1000);
    const listed = (await call(endpoint, 'InitUpload', initParams(file, 524288))).answer.listParts!;
    expect(listed.find((part) => part.offset === 524288)?.dataMd5).toBe(md5Hex(file.bytes.subarray(524288)));
    expect((await call(endpoint, 'FinishUpload', { fileSha: file.fileSha })).answer.code).toBe(0);
  });

  it('accepts GET for InitUpload and FinishUpload, HmacSHA256, /v3/index.php, tags in both spellings', async () => {
    const file = makeFile(5000);
    const v3 = endpoint.replace('/v2/', '/v3/');
    const options = { method: 'GET' as const, signatureMethod: 'HmacSHA256' as const };
    const init = await call(v3, 'InitUpload', initParams(file, MiB, { 'tag.1': 'a', 'tags.2': 'b', classId: 3, isTranscode: 1 }), options);
    expect(init.answer.code).toBe(0);
    expect((await sendPart(v3, file, 0, 5000, { signatureMethod: 'HmacSHA256' })).answer.code).toBe(0);
    const finish = await call(v3, 'FinishUpload', { fileSha: file.fileSha }, options);
    expect(finish.answer.code).toBe(0);
  });

  it('answers 404 (text) on other paths and 405 for other methods', async () => {
    const other = await fetch(`${emu.origin}/v1/index.php`);
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toMatch(/^text\/plain/);
    const put = await fetch(endpoint, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(405);
  });
});

describe('error codes', () => {
  it('-10001 for missing or ill-formed common parameters (canRetry 0)', async () => {
    const file = makeFile(10);
    const cases: ((params: Record<string, string>) => void)[] = [
      (params) => delete params.Region,
      (params) => (params.Timestamp = '17e8'),
      (params) => delete params.Signature,
      (params) => (params.Nonce = '-5'),
      (params) => (params.Action = 'DescribeInstances'),
      (params) => delete params.SecretId,
    ];
    for (const tamper of cases) {
      const { answer } = await call(endpoint, 'InitUpload', initParams(file), { tamper });
      expect(answer).toMatchObject({ code: -10001, canRetry: 0 });
    }
    const missing = await call(endpoint, 'InitUpload', initParams(file), { tamper: (params) => delete params.Region });
    expect(missing.answer.message).toContain('Region');
  });

  it('-10002 when the signature does not verify: changed parameter, other host, other method', async () => {
    const file = makeFile(10);
    const changed = await call(endpoint, 'InitUpload', initParams(file), { tamper: (params) => (params.fileSize = '11') });
    expect(changed.answer).toMatchObject({ code: -10002, canRetry: 0 });
    // The message names what was checked: the method, the host as addressed, and the path.
    expect(changed.answer.message).toBe(`Signature does not verify for POST ${new URL(endpoint).host}/v2/index.php`);
    // Signed for the host without its port: the emulator checks the host as addressed.
    const host = await call(endpoint, 'InitUpload', initParams(file), { signHost: '127.0.0.1' });
    expect(host.answer).toMatchObject({ code: -10002, canRetry: 0 });
    const url = await signedUrl(endpoint, 'InitUpload', initParams(file), { method: 'POST' });
    const asGet = (await (await fetch(url, { method: 'GET' })).json()) as { code: number };
    expect(asGet.code).toBe(-10002);
  });

  it('-10003 past the listed-parts bound: exactly 204800 parts are taken, one more is refused', async () => {
    const sha = 'b'.repeat(40);
    const atBound = await call(endpoint, 'InitUpload', {
      fileName: 'big',
      fileSha: sha,
      fileSize: 204800 * 524288,
      dataSize: 524288,
      fileType: 'mp4',
    });
    expect(atBound.answer.code).toBe(0);
    const over = await call(endpoint, 'InitUpload', {
      fileName: 'big',
      fileSha: 'c'.repeat(40),
      fileSize: 204800 * 524288 + 1,
      dataSize: 524288,
      fileType: 'mp4',
    });
    expect(over.answer).toMatchObject({
      code: -10003,
      canRetry: 0,
      message: `fileSize: ${204800 * 524288 + 1} bytes makes more than 204800 parts of 524288 bytes`,
    });
  });

  it('-10003 for protocol parameters out of their constraints, naming the parameter', async () => {
    const file = makeFile(3 * 1000);
    const bad: [Record<string, string | number>, string][] = [
      [{ fileSha: file.fileSha.toUpperCase() }, 'fileSha'],
      [{ dataSize: 1000 }, 'dataSize'],
      [{ fileName: 'a/b' }, 'fileName'],
      [{ fileName: 'x'.repeat(41) }, 'fileName'],
      [{ fileName: '视'.repeat(14) }, 'fileName'], // 42 UTF-8 bytes
      [{ fileSize: 0 }, 'fileSize'],
      [{ fileType: '.mp4' }, 'fileType'],
      [{ isTranscode: 2 }, 'isTranscode'],
      [{ 'tag.11': 'x' }, 'tags'],
    ];
    for (const [extra, name] of bad) {
      const { answer } = await call(endpoint, 'InitUpload', { ...initParams(file), ...extra });
      expect(answer, name).toMatchObject({ code: -10003, canRetry: 0 });
      expect(answer.message).toContain(name);
    }
    const { fileType: _omit, ...noType } = initParams(file);
    expect((await call(endpoint, 'InitUpload', noType)).answer.message).toContain('fileType');
  });

  it('-10003 for an UploadPart offset or dataSize that does not fit the session, and GET UploadPart', async () => {
    const file = makeFile(MiB + 500);
    await call(endpoint, 'InitUpload', initParams(file));
    const offset = await sendPart(endpoint, file, 1000, 500);
    expect(offset.answer).toMatchObject({ code: -10003, canRetry: 0 });
    expect(offset.answer.message).toContain('offset');
    const beyond = await sendPart(endpoint, file, 2 * MiB, 500);
    expect(beyond.answer.code).toBe(-10003);
    const short = await sendPart(endpoint, file, 0, 1000);
    expect(short.answer).toMatchObject({ code: -10003, canRetry: 0 });
    expect(short.answer.message).toContain('dataSize');
    const lastTooLong = await call(
      endpoint,
      'UploadPart',
      { fileSha: file.fileSha, offset: MiB, dataSize: 501, dataMd5: md5Hex(new Uint8Array(501)) },
      { body: new Uint8Array(501) },
    );
    expect(lastTooLong.answer.code).toBe(-10003);
    const get = await call(
      endpoint,
      'UploadPart',
      { fileSha: file.fileSha, offset: MiB, dataSize: 500, dataMd5: md5Hex(new Uint8Array(500)) },
      { method: 'GET' },
    );
    expect(get.answer).toMatchObject({ code: -10003, canRetry: 0 });
  });

  it('-10003 for Finish with parts missing, naming the missing offsets', async () => {
    const file = makeFile(3 * MiB + 1);
    await call(endpoint, 'InitUpload', initParams(file));
    await sendPart(endpoint, file, MiB, MiB);
    const finish = await call(endpoint, 'FinishUpload', { fileSha: file.fileSha });
    expect(finish.answer).toMatchObject({ code: -10003, canRetry: 0 });
    expect(finish.answer.message).toContain(`0, ${2 * MiB}, ${3 * MiB}`);
  });

  it('-10005 canRetry 0 for UploadPart and Finish with no session', async () => {
    const file = makeFile(100);
    const part = await sendPart(endpoint, file, 0, 100);
    expect(part.answer).toMatchObject({ code: -10005, canRetry: 0 });
    const finish = await call(endpoint, 'FinishUpload', { fileSha: file.fileSha });
    expect(finish.answer).toMatchObject({ code: -10005, canRetry: 0 });
  });

  it('-10006 canRetry 1 for a body shorter or longer than dataSize, or with another MD5', async () => {
    const file = makeFile(5000);
    await call(endpoint, 'InitUpload', initParams(file));
    const params = { fileSha: file.fileSha, offset: 0, dataSize: 5000, dataMd5: md5Hex(file.bytes) };
    const short = await call(endpoint, 'UploadPart', params, { body: file.bytes.slice(0, 4999) });
    expect(short.answer).toMatchObject({ code: -10006, canRetry: 1 });
    const long = await call(endpoint, 'UploadPart', params, { body: new Uint8Array(5001) });
    expect(long.answer).toMatchObject({ code: -10006, canRetry: 1 });
    const empty = await call(endpoint, 'UploadPart', params);
    expect(empty.answer).toMatchObject({ code: -10006, canRetry: 1 });
    const md5 = await sendPart(endpoint, file, 0, 5000, { dataMd5: md5Hex(new Uint8Array(5000)) });
    expect(md5.answer).toMatchObject({ code: -10006, canRetry: 1 });
    expect(md5.answer.message).toContain('dataMd5');
    expect((await sendPart(endpoint, file, 0, 5000)).answer.code).toBe(0);
  });

  it('-10006 canRetry 0 when the assembled SHA-1 is not fileSha; the parts are dropped', async () => {
    const file = makeFile(MiB + 10);
    const lie = { ...file, fileSha: sha1Hex(new Uint8Array([1, 2, 3])) };
    await call(endpoint, 'InitUpload', initParams(lie));
    for (const part of partsOf(file.fileSize, MiB)) expect((await sendPart(endpoint, lie, part.offset, part.dataSize)).answer.code).toBe(0);
    const finish = await call(endpoint, 'FinishUpload', { fileSha: lie.fileSha });
    expect(finish.answer).toMatchObject({ code: -10006, canRetry: 0 });
    const resume = await call(endpoint, 'InitUpload', initParams(lie));
    expect(resume.answer).toMatchObject({ code: 1, listParts: [] });
  });

  it('4104 for an unknown SecretId', async () => {
    const { answer } = await call(endpoint, 'InitUpload', initParams(makeFile(10)), {
      credentials: { secretId: 'AKIDnobody', secretKey: 'x' },
    });
    expect(answer).toMatchObject({ code: 4104, canRetry: 0 });
  });

  it('4500 canRetry 1 for a reused Nonce', async () => {
    const url = await signedUrl(endpoint, 'InitUpload', initParams(makeFile(10)));
    const first = (await (await fetch(url, { method: 'POST' })).json()) as { code: number };
    expect(first.code).toBe(0);
    const replay = (await (await fetch(url, { method: 'POST' })).json()) as { code: number; canRetry: number };
    expect(replay).toMatchObject({ code: 4500, canRetry: 1 });
  });

  it('4500 canRetry 1 for a Timestamp outside the window (both sides)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const old = await call(endpoint, 'InitUpload', initParams(makeFile(10)), { timestamp: now - 301 });
    expect(old.answer).toMatchObject({ code: 4500, canRetry: 1 });
    const future = await call(endpoint, 'InitUpload', initParams(makeFile(10)), { timestamp: now + 310 });
    expect(future.answer).toMatchObject({ code: 4500, canRetry: 1 });
    const inside = await call(endpoint, 'InitUpload', initParams(makeFile(10)), { timestamp: now - 250 });
    expect(inside.answer.code).toBe(0);
  });

  it('4000-range public codes come through fault rules, as the service sends them', async () => {
    for (const [code, canRetry] of [
      [4000, 0],
      [4100, 0],
      [4300, 0],
      [5000, 0],
      [5100, 1],
      [6100, 0],
      [6200, 1],
    ] as const) {
      emu.emulator.faults.add({ action: 'InitUpload', kind: 'answer', code, canRetry });
      const { answer } = await call(endpoint, 'InitUpload', initParams(makeFile(10)));
      expect(answer).toMatchObject({ code, canRetry });
    }
  });
});

describe('a clock, rate limits and a failing storage', () => {
  it('timestamp window follows the emulator clock; nonce memory is bounded', async () => {
    let clock = 1_700_000_000_000;
    const local = await startEmulator({ port: 0, now: () => clock, timestampWindowSeconds: 60 });
    try {
      const t = clock / 1000;
      expect((await call(local.endpoint, 'InitUpload', initParams(makeFile(10)), { timestamp: t - 59 })).answer.code).toBe(0);
      expect((await call(local.endpoint, 'InitUpload', initParams(makeFile(10)), { timestamp: t - 61 })).answer).toMatchObject({
        code: 4500,
        canRetry: 1,
      });
      for (let i = 0; i < 5; i++) await call(local.endpoint, 'InitUpload', initParams(makeFile(10)), { timestamp: t });
      expect(local.emulator.rememberedNonces()).toBe(6);
      clock += 121_000; // more than twice the window: every nonce so far can no longer be replayed
      expect((await call(local.endpoint, 'InitUpload', initParams(makeFile(10)), { timestamp: clock / 1000 })).answer.code).toBe(0);
      expect(local.emulator.rememberedNonces()).toBe(1);
    } finally {
      await local.close();
    }
  });

  it('4400 canRetry 1 past the per-SecretId limit; another SecretId is not affected', async () => {
    const other = { secretId: 'AKIDother', secretKey: 'otherkey' };
    const local = await startEmulator({
      port: 0,
      rateLimits: { InitUpload: 2, UploadPart: 3 },
      credentials: [{ secretId: 'AKIDone', secretKey: 'onekey' }, other],
    });
    const one = { credentials: { secretId: 'AKIDone', secretKey: 'onekey' } };
    try {
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await call(local.endpoint, 'InitUpload', initParams(makeFile(10)), one)).answer);
      expect(codes.map((answer) => answer.code)).toEqual([0, 0, 4400]);
      expect(codes[2]).toMatchObject({ canRetry: 1 });
      expect((await call(local.endpoint, 'InitUpload', initParams(makeFile(10)), { credentials: other })).answer.code).toBe(0);
      const parts = [];
      for (let i = 0; i < 4; i++) parts.push((await sendPart(local.endpoint, makeFile(10), 0, 10, one)).answer.code);
      expect(parts).toEqual([-10005, -10005, -10005, 4400]);
    } finally {
      await local.close();
    }
  });

  it('the limit counts per clock minute: the next minute starts again from zero', async () => {
    let clock = Date.UTC(2026, 0, 1, 12, 0, 10);
    const local = await startEmulator({ port: 0, now: () => clock, rateLimits: { InitUpload: 1 } });
    const init = async () =>
      (await call(local.endpoint, 'InitUpload', initParams(makeFile(10)), { timestamp: Math.floor(clock / 1000) })).answer.code;
    try {
      expect([await init(), await init()]).toEqual([0, 4400]);
      clock += 40_000; // 12:00:50, the same minute
      expect(await init()).toBe(4400);
      clock += 20_000; // 12:01:10
      expect([await init(), await init()]).toEqual([0, 4400]);
    } finally {
      await local.close();
    }
  });

  it('-10004 (write) and -10005 canRetry 1 (read) for storage failures; 6000 for an unexpected exception', async () => {
    const failing = { put: false, get: false, garbage: false };
    const storage = new MemoryStorage();
    const wrapped: EmulatorStorage = {
      getSession: (...args) => storage.getSession(...args),
      putSession: (...args) => storage.putSession(...args),
      deleteSession: (...args) => storage.deleteSession(...args),
      listParts: (...args) => storage.listParts(...args),
      putPart: (...args) => storage.putPart(...args),
      readPart: (...args) => storage.readPart(...args),
      deleteParts: (...args) => storage.deleteParts(...args),
      getFileBySha: (...args) => storage.getFileBySha(...args),
      getFileById: (...args) => storage.getFileById(...args),
      createFileWriter: () => storage.createFileWriter(),
      readFile: (...args) => storage.readFile(...args),
      close: () => storage.close(),
    };
    wrapped.putPart = (...args) => (failing.put ? Promise.reject(new Error('disk full')) : storage.putPart(...args));
    wrapped.getSession = (...args) => (failing.get ? Promise.reject(new Error('io error')) : storage.getSession(...args));
    wrapped.listParts = (...args) => (failing.garbage ? Promise.resolve(null as never) : storage.listParts(...args));
    const local = await startEmulator({ port: 0, storage: wrapped });
    try {
      const file = makeFile(100);
      expect((await call(local.endpoint, 'InitUpload', initParams(file))).answer.code).toBe(0);
      failing.put = true;
      expect((await sendPart(local.endpoint, file, 0, 100)).answer).toMatchObject({ code: -10004, canRetry: 1 });
      failing.put = false;
      failing.get = true;
      expect((await sendPart(local.endpoint, file, 0, 100)).answer).toMatchObject({ code: -10005, canRetry: 1 });
      failing.get = false;
      failing.garbage = true;
      const broken = await call(local.endpoint, 'FinishUpload', { fileSha: file.fileSha });
      expect(broken.status).toBe(200);
      expect(broken.answer).toMatchObject({ code: 6000, canRetry: 1 });
      failing.garbage = false;
      expect((await sendPart(local.endpoint, file, 0, 100)).answer.code).toBe(0);
      expect((await call(local.endpoint, 'FinishUpload', { fileSha: file.fileSha })).answer.code).toBe(0);
    } finally {
      await local.close();
    }
  });
});
