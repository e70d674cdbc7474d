/**
 * The emulator's API front door (src/emulator/api.ts) through its web-standard handler: the query
 * bounds at their exact edges, what the request log records, the method rules, and how storage
 * failures are answered.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, DEV_CREDENTIALS, MemoryStorage, type Emulator } from '../src/emulator/index.js';
import { QUERY_LIMITS } from '../src/emulator/api.js';
import { freshNonce, initParams, makeFile, md5Hex, signedUrl, type Answer } from './helpers/emulator-client.js';

const ENDPOINT = 'http://vod.example.test/v2/index.php';
let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function send(url: string, init: RequestInit = { method: 'POST' }): Promise<{ answer: Answer; response: Response }> {
  const response = await emulator!.handler(new Request(url, init));
  return { answer: (await response.json()) as Answer, response };
}

/** InitUpload's query with `extra` parameters, as sent. */
async function initUrl(extra: Record<string, string>, nonce = freshNonce()): Promise<string> {
  return signedUrl(ENDPOINT, 'InitUpload', { ...initParams(makeFile(10)), ...extra }, { nonce, timestamp: Math.floor(Date.now() / 1000) });
}

describe('emulator API: query bounds at their edges', () => {
  it(`takes ${QUERY_LIMITS.params} parameters, refuses one more`, async () => {
    emulator = createEmulator();
    const withExtras = async (count: number) => {
      const extra: Record<string, string> = {};
      for (let i = 0; i < count; i++) extra[`x${i}`] = '1';
      return initUrl(extra);
    };
    const signedCount = new URL(await withExtras(0)).searchParams.size;
    const atLimit = await withExtras(QUERY_LIMITS.params - signedCount);
    expect(new URL(atLimit).searchParams.size).toBe(64);
    expect((await send(atLimit)).answer.code).toBe(0);
    const over = await send(await withExtras(QUERY_LIMITS.params - signedCount + 1));
    expect(over.answer).toMatchObject({ code: -10001, message: 'more than 64 parameters', canRetry: 0 });
  });

  it('takes a parameter name of 64 characters, refuses 65 (a protocol parameter: -10003)', async () => {
    emulator = createEmulator();
    expect((await send(await initUrl({ [`n${'a'.repeat(63)}`]: '1' }))).answer.code).toBe(0);
    const over = await send(await initUrl({ [`n${'a'.repeat(64)}`]: '1' }));
    expect(over.answer).toMatchObject({ code: -10003, message: 'a parameter name is longer than 64 characters', canRetry: 0 });
  });

  it('takes a value of 2048 characters, refuses 2049, naming the parameter', async () => {
    emulator = createEmulator();
    expect((await send(await initUrl({ note: 'x'.repeat(2048) }))).answer.code).toBe(0);
    const over = await send(await initUrl({ note: 'x'.repeat(2049) }));
    expect(over.answer).toMatchObject({ code: -10003, message: 'note: longer than 2048 characters', canRetry: 0 });
  });

  it('a common parameter breaking a bound is a common-parameter error (-10001)', async () => {
    emulator = createEmulator();
    const url = new URL(await initUrl({}));
    url.searchParams.set('Nonce', '1'.repeat(2049));
    expect((await send(url.toString())).answer).toMatchObject({ code: -10001, message: 'Nonce: longer than 2048 characters' });
    const twice = `${await initUrl({})}&Region=gz`;
    expect((await send(twice)).answer).toMatchObject({ code: -10001, message: 'Region: given more than once' });
  });

  it(`takes a query string of ${QUERY_LIMITS.length} characters, refuses one more`, async () => {
    emulator = createEmulator();
    // The signature's URL encoding varies in length: pad until the query is exactly at the limit.
    const exactly = async (length: number): Promise<string> => {
      let pad = 1000;
      for (let attempt = 0; attempt < 20; attempt++) {
        const extra = { p1: 'x'.repeat(2000), p2: 'x'.repeat(2000), p3: 'x'.repeat(2000), p4: 'x'.repeat(pad) };
        const url = await initUrl(extra);
        const search = new URL(url).search.length;
        if (search === length) return url;
        pad += length - search;
      }
      throw new Error(`no query of ${length} characters in 20 tries`);
    };
    expect((await send(await exactly(QUERY_LIMITS.length))).answer.code).toBe(0);
    expect((await send(await exactly(QUERY_LIMITS.length + 1))).answer).toMatchObject({
      code: -10001,
      message: 'query string longer than 8192 characters',
    });
  });
});

describe('emulator API: the request log', () => {
  it('records an UploadPart with its offset, size, trace id and code; in-flight counts return to 0', async () => {
    emulator = createEmulator();
    const file = makeFile(100);
    expect((await send(await signedUrl(ENDPOINT, 'InitUpload', initParams(file)))).answer.code).toBe(0);
    const part = { fileSha: file.fileSha, offset: 0, dataSize: 100, dataMd5: md5Hex(file.bytes) };
    const traceId = `t${'r'.repeat(200)}`;
    const { answer } = await send(await signedUrl(ENDPOINT, 'UploadPart', part), {
      method: 'POST',
      body: file.bytes.slice(),
      headers: { 'x-trace-id': traceId },
    });
    expect(answer.code).toBe(0);
    const [init, sent] = emulator.log.entries();
    expect(init).toMatchObject({ action: 'InitUpload', fileSha: file.fileSha, code: 0 });
    expect(init).not.toHaveProperty('offset');
    expect(init).not.toHaveProperty('traceId');
    expect(sent).toMatchObject({
      action: 'UploadPart',
      fileSha: file.fileSha,
      offset: 0,
      dataSize: 100,
      code: 0,
      secretId: DEV_CREDENTIALS.secretId,
    });
    expect(sent!.traceId).toBe(traceId.slice(0, 128));
    expect(emulator.log.maxPartsInFlight).toBe(1);
    expect(emulator.log.summary()).toMatchObject({ partsInFlight: 0, requestsInFlight: 0 });
  });

  it('keeps at most 128 characters of a SecretId and 64 of a fileSha, and leaves out an offset that is not a decimal', async () => {
    emulator = createEmulator();
    const url = new URL(ENDPOINT);
    url.search = new URLSearchParams({
      Action: 'UploadPart',
      SecretId: 's'.repeat(300),
      fileSha: 'f'.repeat(100),
      offset: '01',
      dataSize: 'x',
    }).toString();
    const { answer } = await send(url.toString());
    expect(answer.code).not.toBe(0);
    const [entry] = emulator.log.entries();
    expect(entry).toMatchObject({ action: 'UploadPart', secretId: 's'.repeat(128), fileSha: 'f'.repeat(64), code: answer.code });
    expect(entry).not.toHaveProperty('offset');
    expect(entry).not.toHaveProperty('dataSize');
    expect(emulator.log.summary()).toMatchObject({ partsInFlight: 0, requestsInFlight: 0 });
  });

  it('a request without SecretId or fileSha is logged with empty ones', async () => {
    emulator = createEmulator();
    expect((await send(`${ENDPOINT}?Action=InitUpload`)).answer.code).toBe(-10001);
    expect(emulator.log.entries()[0]).toMatchObject({ action: 'InitUpload', secretId: '', fileSha: '', code: -10001 });
  });

  it('an unknown action is logged as none', async () => {
    emulator = createEmulator();
    const url = await signedUrl(ENDPOINT, 'DeleteEverything', {});
    expect((await send(url)).answer.code).toBe(-10001);
    expect(emulator.log.entries()[0]).toMatchObject({ action: null, code: -10001 });
  });
});

describe('emulator API: methods', () => {
  it('answers 405 to other methods, saying which it takes, and logs nothing', async () => {
    emulator = createEmulator();
    const response = await emulator.handler(new Request(await initUrl({}), { method: 'PUT', body: 'x' }));
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('GET, POST, OPTIONS');
    expect(await response.text()).toContain('Method Not Allowed');
    expect(emulator.log.entries()).toEqual([]);
  });

  it('takes InitUpload by GET, but not UploadPart', async () => {
    emulator = createEmulator();
    const file = makeFile(10);
    const init = await signedUrl(ENDPOINT, 'InitUpload', initParams(file), { method: 'GET' });
    expect((await send(init, { method: 'GET' })).answer.code).toBe(0);
    const part = { fileSha: file.fileSha, offset: 0, dataSize: 10, dataMd5: md5Hex(file.bytes) };
    const byGet = await send(await signedUrl(ENDPOINT, 'UploadPart', part, { method: 'GET' }), { method: 'GET' });
    expect(byGet.answer).toMatchObject({ code: -10003, message: 'UploadPart takes POST with the part as its body', canRetry: 0 });
  });

  it('a body shorter than dataSize is refused for a retry, and the connection closed', async () => {
    emulator = createEmulator();
    const file = makeFile(100);
    await send(await signedUrl(ENDPOINT, 'InitUpload', initParams(file)));
    const part = { fileSha: file.fileSha, offset: 0, dataSize: 100, dataMd5: md5Hex(file.bytes) };
    const short = await send(await signedUrl(ENDPOINT, 'UploadPart', part), { method: 'POST', body: file.bytes.slice(0, 60) });
    expect(short.answer).toMatchObject({ code: -10006, canRetry: 1, message: 'body is shorter than dataSize 100' });
    expect(short.response.headers.get('Connection')).toBe('close');
    const refused = await send(await signedUrl(ENDPOINT, 'UploadPart', part, { method: 'GET' }), { method: 'GET' });
    expect(refused.answer.code).toBe(-10003);
    expect(refused.response.headers.has('Connection')).toBe(false);
  });

  it('a body refused for good (-10006, canRetry 0) keeps the connection: no more of it is coming', async () => {
    emulator = createEmulator();
    const file = makeFile(100);
    const other = makeFile(100);
    await send(await signedUrl(ENDPOINT, 'InitUpload', initParams(file)));
    // Another file's bytes, with their own MD5: the part is stored, the assembled file is not `file`.
    const part = { fileSha: file.fileSha, offset: 0, dataSize: 100, dataMd5: md5Hex(other.bytes) };
    expect((await send(await signedUrl(ENDPOINT, 'UploadPart', part), { method: 'POST', body: other.bytes.slice() })).answer.code).toBe(0);
    const finish = await send(await signedUrl(ENDPOINT, 'FinishUpload', { fileSha: file.fileSha }));
    expect(finish.answer).toMatchObject({ code: -10006, canRetry: 0 });
    expect(finish.response.headers.has('Connection')).toBe(false);
  });
});

describe('emulator API: storage failures', () => {
  it('a failed read is -10005 and a failed write -10004, both for a retry', async () => {
    const storage = new MemoryStorage();
    emulator = createEmulator({ storage });
    const file = makeFile(10);
    const getFileBySha = storage.getFileBySha.bind(storage);
    storage.getFileBySha = () => Promise.reject(new Error('disk gone'));
    expect((await send(await signedUrl(ENDPOINT, 'InitUpload', initParams(file)))).answer).toMatchObject({
      code: -10005,
      message: 'storage read failed: disk gone',
      canRetry: 1,
    });
    storage.getFileBySha = getFileBySha;
    storage.putSession = () => Promise.reject(new Error('disk full'));
    expect((await send(await signedUrl(ENDPOINT, 'InitUpload', initParams(file)))).answer).toMatchObject({
      code: -10004,
      message: 'storage write failed: disk full',
      canRetry: 1,
    });
  });

  it('anything else that throws is an internal error (6000) for a retry, its message bounded', async () => {
    const storage = new MemoryStorage();
    emulator = createEmulator({ storage });
    storage.getFileBySha = () => {
      throw new Error(`bug ${'z'.repeat(2000)}`);
    };
    const { answer } = await send(await signedUrl(ENDPOINT, 'InitUpload', initParams(makeFile(10))));
    expect(answer).toMatchObject({ code: 6000, canRetry: 1 });
    expect(answer.message.startsWith('internal error: bug zzz')).toBe(true);
    expect(answer.message).toHaveLength(1000);
    storage.getFileBySha = () => {
      throw 'a string';
    };
    expect((await send(await signedUrl(ENDPOINT, 'InitUpload', initParams(makeFile(10))))).answer.message).toBe('internal error: a string');
  });
});
