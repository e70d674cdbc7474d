/**
 * Bad input, as a table: what goes in, and the exact typed error or protocol code that must come
 * out. Four sections: the library API (options and sources), hostile answers from a server (to
 * the client), requests to the emulator, and the proxy and signing handlers.
 *
 * An outcome is written as one short string:
 *   `VodArgumentError <parameter>`     thrown (or rejected) before anything is sent
 *   `VodError <code> retry|final`      a typed failure, with its canRetry
 *   `code <n>`                          the protocol answer's code (emulator, upload proxy)
 *   `HTTP <status> [<error code>]`     a non-protocol answer (signing handler, control API)
 *   `completed`                         the upload ended with a file (for answers worth a retry)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createDirectoryCheckpointStore,
  createNodeHasher,
  createSecretSigner,
  openFile,
  upload,
  uploadFile,
  VodArgumentError,
  VodError,
} from '../src/adapters/node/index.js';
import { createBunHasher } from '../src/adapters/bun/bun-hasher.js';
import { createDenoHasher } from '../src/adapters/deno/deno-hasher.js';
import { createVodClient } from '../src/engine.js';
import { DEV_CREDENTIALS, createEmulator, startEmulator } from '../src/emulator/index.js';
import { createSigningHandler, createUploadProxy } from '../src/proxy/index.js';
import { freshNonce, initParams, makeFile, md5Hex, signedUrl } from './helpers/emulator-client.js';

const emu = await startEmulator({ port: 0 });
const work = await mkdtemp(join(tmpdir(), 'vod-bad-input-'));
afterAll(async () => {
  await emu.close();
  await rm(work, { recursive: true, force: true });
});

/** One row: what goes in, what must come out, and how to try it. `bug` marks rows that wait for a fix of issue 9. */
interface Row {
  input: string;
  expected: string;
  run: () => unknown;
  bug?: number;
}

/** Rows whose fix (issue 9, by bug number) has not landed yet: listed, skipped, and counted. */
const PENDING_BUGS = new Set<number>([]);

const ROW_BOUND_MS = 15_000;

/** The outcome string of a thrown/rejected error, or of a value. */
function describeOutcome(value: unknown): string {
  if (value instanceof VodArgumentError) return `VodArgumentError ${value.parameter}`;
  if (value instanceof VodError) return `VodError ${value.code} ${value.canRetry ? 'retry' : 'final'}`;
  if (value instanceof Error) return `${value.constructor.name} ${value.message.slice(0, 80)}`;
  return `returned ${JSON.stringify(value)?.slice(0, 80)}`;
}

async function outcomeOf(run: () => unknown): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no outcome within ${ROW_BOUND_MS} ms`), ROW_BOUND_MS);
  });
  const attempt = (async () => {
    try {
      const value = await run();
      if (value instanceof Response) return responseOutcome(value);
      return value === undefined ? 'no error' : (value as string);
    } catch (error) {
      return describeOutcome(error);
    }
  })();
  try {
    return await Promise.race([attempt, bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** `code <n>` for a protocol answer, else `HTTP <status>` plus the handler's error code if any. */
async function responseOutcome(response: Response): Promise<string> {
  const text = await response.text();
  let json: { code?: unknown; error?: { code?: unknown } } = {};
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    // Not JSON: the status says it all.
  }
  if (response.status === 200 && typeof json.code === 'number') return `code ${json.code}`;
  const code = typeof json.error?.code === 'string' ? ` ${json.error.code}` : typeof json.code === 'number' ? ` code ${json.code}` : '';
  return `HTTP ${response.status}${code}`;
}

let rowCount = 0;

function table(section: string, rows: readonly Row[]): void {
  rowCount += rows.length;
  describe(section, () => {
    for (const row of rows) {
      const title = `${row.input} → ${row.expected}`;
      if (row.bug !== undefined && PENDING_BUGS.has(row.bug)) it.todo(`${title} (issue 9 bug ${row.bug})`);
      else it(title, async () => expect(await outcomeOf(row.run)).toBe(row.expected));
    }
  });
}

// ── The library API ────────────────────────────────────────────────────────────────────────────

const smallFile = (name = 'clip.mp4', size = 1000) => new File([new Uint8Array(size).fill(7)], name, { lastModified: 1_700_000_000_000 });
const base = { endpoint: emu.endpoint, ...DEV_CREDENTIALS, checkpoints: false as const };
const start = (options: Record<string, unknown>, source: unknown = smallFile()) =>
  upload(source as File, { ...base, ...options } as never).done;
const client = createVodClient({ endpoint: emu.endpoint, signer: createSecretSigner(DEV_CREDENTIALS), pacer: false });
const sha = 'a'.repeat(40);
const missingPath = join(work, 'missing.mp4');

table('library API: upload options, sources, client and signer arguments', [
  { input: 'partSize 1000', expected: 'VodArgumentError partSize', run: () => start({ partSize: 1000 }) },
  { input: 'partSize "1m"', expected: 'VodArgumentError partSize', run: () => start({ partSize: '1m' }) },
  { input: 'concurrency 0', expected: 'VodArgumentError concurrency', run: () => start({ concurrency: 0 }) },
  { input: 'concurrency 1.5', expected: 'VodArgumentError concurrency', run: () => start({ concurrency: 1.5 }) },
  { input: 'concurrency 1e9', expected: 'VodArgumentError concurrency', run: () => start({ concurrency: 1e9 }), bug: 6 },
  {
    input: 'endpoint "ftp://host/v2/index.php"',
    expected: 'VodArgumentError endpoint',
    run: () => start({ endpoint: 'ftp://host/v2/index.php' }),
  },
  { input: 'endpoint "not a url"', expected: 'VodArgumentError endpoint', run: () => start({ endpoint: 'not a url' }) },
  { input: "region ''", expected: 'VodArgumentError region', run: () => start({ region: '' }), bug: 6 },
  { input: 'timeoutMs 0', expected: 'VodArgumentError timeoutMs', run: () => start({ timeoutMs: 0 }), bug: 6 },
  { input: 'timeoutMs NaN', expected: 'VodArgumentError timeoutMs', run: () => start({ timeoutMs: Number.NaN }), bug: 6 },
  { input: 'neither signer nor secretKey', expected: 'VodArgumentError signer', run: () => start({ secretKey: undefined }) },
  { input: "secretId '' with a secretKey", expected: 'VodArgumentError secretId', run: () => start({ secretId: '' }) },
  { input: 'retry.retries -1', expected: 'VodArgumentError retries', run: () => start({ retry: { retries: -1 } }) },
  { input: 'retry.baseDelayMs NaN', expected: 'VodArgumentError baseDelayMs', run: () => start({ retry: { baseDelayMs: Number.NaN } }) },
  { input: 'retry.random "x"', expected: 'VodArgumentError random', run: () => start({ retry: { random: 'x' } }) },
  { input: 'signal "stop"', expected: 'VodArgumentError signal', run: () => start({ signal: 'stop' }) },
  { input: 'checkpointMaxAgeMs -5', expected: 'VodArgumentError checkpointMaxAgeMs', run: () => start({ checkpointMaxAgeMs: -5 }) },
  { input: 'fileType "../x"', expected: 'VodArgumentError fileType', run: () => start({ fileType: '../x' }) },
  { input: 'a source named "clip" and no fileType', expected: 'VodArgumentError fileType', run: () => start({}, smallFile('clip')) },
  { input: 'fileName 42', expected: 'VodArgumentError fileName', run: () => start({ fileName: 42 }) },
  { input: 'source: an empty File', expected: 'VodArgumentError source', run: () => start({}, smallFile('clip.mp4', 0)) },
  { input: 'source: a path string', expected: 'VodArgumentError source', run: () => start({}, 'clip.mp4') },
  { input: 'source: null', expected: 'VodArgumentError source', run: () => start({}, null) },
  { input: 'source: { size: 5 } without slice()', expected: 'VodArgumentError source', run: () => start({}, { size: 5 }) },
  { input: 'options: null', expected: 'VodArgumentError options', run: () => upload(smallFile(), null as never).done },
  { input: 'uploadFile of a missing file', expected: 'VodError SOURCE final', run: () => uploadFile(missingPath, base), bug: 6 },
  { input: "openFile('')", expected: 'VodArgumentError path', run: () => openFile('') },
  { input: 'openFile(a directory)', expected: 'VodArgumentError path', run: () => openFile(work) },
  {
    input: "createSecretSigner secretId ''",
    expected: 'VodArgumentError secretId',
    run: () => createSecretSigner({ secretId: '', secretKey: 'k' }),
  },
  {
    input: "createSecretSigner secretKey ''",
    expected: 'VodArgumentError secretKey',
    run: () => createSecretSigner({ secretId: 'AKIDx', secretKey: '' }),
  },
  {
    input: 'signatureMethod "MD5"',
    expected: 'VodArgumentError signatureMethod',
    run: () => createSecretSigner({ ...DEV_CREDENTIALS, signatureMethod: 'MD5' as never }),
  },
  {
    input: 'a signer asked to sign a value holding "&Action=DeleteVodFile"',
    expected: 'VodArgumentError params.fileName',
    run: () =>
      createSecretSigner(DEV_CREDENTIALS).sign({
        method: 'POST',
        host: 'vod2.qcloud.com',
        path: '/v2/index.php',
        params: { Action: 'InitUpload', fileName: 'a&Action=DeleteVodFile' },
      }),
    bug: 2,
  },
  {
    input: 'client.initUpload fileSha "xyz"',
    expected: 'VodArgumentError fileSha',
    run: () => client.initUpload({ fileName: 'a', fileSha: 'xyz', fileSize: 1, dataSize: 524288, fileType: 'mp4' }),
  },
  {
    input: 'client.initUpload fileName "a/b"',
    expected: 'VodArgumentError fileName',
    run: () => client.initUpload({ fileName: 'a/b', fileSha: sha, fileSize: 1, dataSize: 524288, fileType: 'mp4' }),
  },
  {
    input: 'client.initUpload fileSize 0',
    expected: 'VodArgumentError fileSize',
    run: () => client.initUpload({ fileName: 'a', fileSha: sha, fileSize: 0, dataSize: 524288, fileType: 'mp4' }),
  },
  {
    input: 'client.uploadPart body shorter than dataSize',
    expected: 'VodArgumentError body',
    run: () => client.uploadPart({ fileSha: sha, offset: 0, dataSize: 10, dataMd5: 'b'.repeat(32) }, new Uint8Array(9)),
  },
  {
    input: 'client.uploadPart dataMd5 "B…" (upper case)',
    expected: 'VodArgumentError dataMd5',
    run: () => client.uploadPart({ fileSha: sha, offset: 0, dataSize: 1, dataMd5: 'B'.repeat(32) }, new Uint8Array(1)),
  },
  { input: 'client.finishUpload {}', expected: 'VodArgumentError fileSha', run: () => client.finishUpload({} as never) },
  { input: 'createDirectoryCheckpointStore(42)', expected: 'VodArgumentError dir', run: () => createDirectoryCheckpointStore(42 as never) },
  { input: 'createNodeHasher runner "gpu"', expected: 'VodArgumentError runner', run: () => createNodeHasher({ runner: 'gpu' as never }) },
  { input: 'createNodeHasher threads 3', expected: 'VodArgumentError threads', run: () => createNodeHasher({ threads: 3 as never }) },
  { input: 'createDenoHasher threads 0', expected: 'VodArgumentError threads', run: () => createDenoHasher({ threads: 0 as never }) },
  { input: 'createBunHasher null options', expected: 'VodArgumentError options', run: () => createBunHasher(null as never) },
]);

// ── Hostile answers, as the client sees them ───────────────────────────────────────────────────

/** A client whose every request gets this answer. */
const answering = (body: string, status = 200, contentType = 'application/json') =>
  createVodClient({
    endpoint: 'http://127.0.0.1:9/v2/index.php',
    signer: createSecretSigner(DEV_CREDENTIALS),
    pacer: false,
    fetch: async () => new Response(body, { status, headers: { 'Content-Type': contentType } }),
  });
const init = (body: string, status?: number) =>
  answering(body, status).initUpload({ fileName: 'a', fileSha: sha, fileSize: 10, dataSize: 524288, fileType: 'mp4' });
const finish = (body: string, status?: number) => answering(body, status).finishUpload({ fileSha: sha });
const ok = (fields: string) => `{"code":0,"message":"","codeDesc":"Success","canRetry":0${fields}}`;

table('hostile answers (to the client)', [
  {
    input: 'HTTP 502 with an HTML page',
    expected: 'VodError NOT_JSON retry',
    run: () => init('<html><body>Bad Gateway</body></html>', 502),
  },
  { input: 'HTTP 200 "OK" (not JSON)', expected: 'VodError NOT_JSON retry', run: () => init('OK') },
  { input: 'HTTP 200 with an empty body', expected: 'VodError NOT_JSON retry', run: () => init('') },
  { input: 'HTTP 200 with JSON cut in half', expected: 'VodError NOT_JSON retry', run: () => init('{"code":0,"mess') },
  { input: 'HTTP 403 with an HTML page', expected: 'VodError NOT_JSON final', run: () => init('<h1>Forbidden</h1>', 403) },
  { input: 'HTTP 200 body null', expected: 'VodError BAD_ANSWER final', run: () => init('null') },
  { input: 'HTTP 200 {"code":"zero"}', expected: 'VodError BAD_ANSWER final', run: () => init('{"code":"zero"}') },
  { input: 'HTTP 200 {}', expected: 'VodError BAD_ANSWER final', run: () => init('{}') },
  { input: 'HTTP 200 []', expected: 'VodError BAD_ANSWER final', run: () => init('[]') },
  { input: 'code -10002 canRetry 0', expected: 'VodError -10002 final', run: () => init('{"code":-10002,"message":"sig","canRetry":0}') },
  { input: 'code 4400 canRetry 1', expected: 'VodError 4400 retry', run: () => init('{"code":4400,"message":"slow down","canRetry":1}') },
  { input: 'code 0 with HTTP 500', expected: 'VodError BAD_ANSWER final', run: () => init(ok(''), 500) },
  {
    input: 'InitUpload code 1 with dataSize 12345',
    expected: 'VodError BAD_ANSWER final',
    run: () => init('{"code":1,"message":"","canRetry":0,"dataSize":12345,"listParts":[]}'),
  },
  {
    input: 'InitUpload code 1 listing a part with dataMd5 "zz"',
    expected: 'VodError BAD_ANSWER final',
    run: () => init('{"code":1,"message":"","canRetry":0,"dataSize":524288,"listParts":[{"offset":0,"dataSize":10,"dataMd5":"zz"}]}'),
  },
  {
    input: 'InitUpload code 2 without url',
    expected: 'VodError BAD_ANSWER final',
    run: () => init('{"code":2,"message":"","canRetry":0,"fileId":"1"}'),
  },
  { input: 'FinishUpload code 0 without fileId', expected: 'VodError BAD_ANSWER final', run: () => finish(ok(',"url":"http://x/f.mp4"')) },
  {
    input: 'FinishUpload fileId "12ab"',
    expected: 'VodError BAD_ANSWER final',
    run: () => finish(ok(',"fileId":"12ab","url":"http://x/f.mp4"')),
  },
  {
    input: 'FinishUpload url "javascript:alert(1)"',
    expected: 'VodError BAD_ANSWER final',
    run: () => finish(ok(',"fileId":"1","url":"javascript:alert(1)"')),
  },
  {
    input: 'a message of 2 MiB',
    expected: 'VodError BAD_ANSWER final',
    run: () => init(`{"code":0,"message":"${'x'.repeat(2 * 1024 * 1024)}"}`),
  },
  {
    input: 'an answer over 16 MiB (not read past the limit)',
    expected: 'VodError BAD_ANSWER final',
    run: () => init(`{"code":0,"message":"${'x'.repeat(17 * 1024 * 1024)}"}`),
  },
  {
    input: 'the connection refused',
    expected: 'VodError NETWORK retry',
    run: () =>
      createVodClient({
        endpoint: 'http://127.0.0.1:9/v2/index.php',
        signer: createSecretSigner(DEV_CREDENTIALS),
        pacer: false,
      }).finishUpload({ fileSha: sha }),
  },
  {
    input: 'no answer within timeoutMs 50',
    expected: 'VodError TIMEOUT retry',
    run: () =>
      createVodClient({
        endpoint: 'http://127.0.0.1:9/v2/index.php',
        signer: createSecretSigner(DEV_CREDENTIALS),
        pacer: false,
        timeoutMs: 50,
        fetch: (_url, init) =>
          new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason))),
      }).finishUpload({ fileSha: sha }),
  },
  { input: 'upload: InitUpload answered null once, then normally', expected: 'completed', run: () => uploadThroughGarble('null'), bug: 7 },
  {
    input: 'upload: FinishUpload answered {"code":"zero"} once',
    expected: 'completed',
    run: () => uploadThroughGarble('{"code":"zero"}', 'FinishUpload'),
    bug: 7,
  },
]);

/** Uploads to the emulator through a fetch that replaces the first answer to `action` with `text`. */
async function uploadThroughGarble(text: string, action = 'InitUpload'): Promise<string> {
  let garbled = false;
  const garbling: typeof fetch = async (input, requestInit) => {
    const response = await fetch(input, requestInit);
    if (garbled || !String(input instanceof Request ? input.url : input).includes(`Action=${action}`)) return response;
    garbled = true;
    return new Response(text, { status: 200, headers: { 'Content-Type': 'application/json' } });
  };
  const file = new File([crypto.getRandomValues(new Uint8Array(4096))], 'garbled.mp4', { lastModified: 1 });
  const result = await upload(file, { ...base, fetch: garbling, retry: { baseDelayMs: 1 } }).done;
  return garbled && result.fileId ? 'completed' : 'not garbled';
}

// ── Requests to the emulator ───────────────────────────────────────────────────────────────────

const handler = createEmulator().handler;
const file = makeFile(1000);
const sendTo = async (url: string, init: RequestInit = { method: 'POST' }) => handler(new Request(url, init));
const signed = (action: string, params: Record<string, string | number>, options: Parameters<typeof signedUrl>[3] = {}) =>
  signedUrl(emu.endpoint, action, params, options);
const part = (fields: Record<string, string | number>, body: Uint8Array) =>
  signed('UploadPart', { fileSha: file.fileSha, offset: 0, dataSize: body.length, dataMd5: md5Hex(body), ...fields }).then((url) =>
    sendTo(url, { method: 'POST', body: body.slice() as Uint8Array<ArrayBuffer> }),
  );
const withSession = async <T>(then: () => Promise<T>): Promise<T> => {
  await sendTo(await signed('InitUpload', initParams(file, 524288)));
  return then();
};

table('emulator: requests', [
  {
    input: 'no Signature',
    expected: 'code -10001',
    run: async () => sendTo(await signed('InitUpload', initParams(file), { tamper: (p) => delete p.Signature })),
  },
  {
    input: 'a Signature of another request',
    expected: 'code -10002',
    run: async () => sendTo(await signed('InitUpload', initParams(file), { tamper: (p) => (p.fileSize = '999') })),
  },
  {
    input: 'signed for another host',
    expected: 'code -10002',
    run: async () => sendTo(await signed('InitUpload', initParams(file), { signHost: 'evil.example' })),
  },
  {
    input: 'an unknown SecretId',
    expected: 'code 4104',
    run: async () => sendTo(await signed('InitUpload', initParams(file), { credentials: { secretId: 'AKIDnobody', secretKey: 'k' } })),
  },
  {
    input: 'Timestamp 1 hour ago',
    expected: 'code 4500',
    run: async () => sendTo(await signed('InitUpload', initParams(file), { timestamp: Math.floor(Date.now() / 1000) - 3600 })),
  },
  {
    input: 'the same Nonce twice',
    expected: 'code 4500',
    run: async () => {
      const nonce = freshNonce();
      await sendTo(await signed('FinishUpload', { fileSha: file.fileSha }, { nonce }));
      return sendTo(await signed('FinishUpload', { fileSha: file.fileSha }, { nonce }));
    },
  },
  { input: 'Action "DeleteVodFile"', expected: 'code -10001', run: async () => sendTo(await signed('DeleteVodFile', {})) },
  { input: 'Nonce "-5"', expected: 'code -10001', run: async () => sendTo(await signed('InitUpload', initParams(file), { nonce: '-5' })) },
  {
    input: 'fileSha "xyz"',
    expected: 'code -10003',
    run: async () => sendTo(await signed('InitUpload', { ...initParams(file), fileSha: 'xyz' })),
  },
  {
    input: 'fileSize 0',
    expected: 'code -10003',
    run: async () => sendTo(await signed('InitUpload', { ...initParams(file), fileSize: 0 })),
  },
  { input: 'dataSize 1234', expected: 'code -10003', run: async () => sendTo(await signed('InitUpload', initParams(file, 1234))) },
  {
    input: 'fileType "../exe"',
    expected: 'code -10003',
    run: async () => sendTo(await signed('InitUpload', { ...initParams(file), fileType: '../exe' })),
  },
  {
    input: 'fileName with "/"',
    expected: 'code -10003',
    run: async () => sendTo(await signed('InitUpload', { ...initParams(file), fileName: 'a/b' })),
  },
  {
    input: 'a parameter given twice',
    expected: 'code -10003',
    run: async () => sendTo(`${await signed('InitUpload', initParams(file))}&fileType=exe`),
  },
  {
    input: 'a query string of 9000 characters',
    expected: 'code -10001',
    run: async () => sendTo(`${await signed('InitUpload', initParams(file))}&pad=${'x'.repeat(9000)}`),
  },
  {
    input: '65 parameters',
    expected: 'code -10001',
    run: async () => sendTo(`${await signed('InitUpload', initParams(file))}${Array.from({ length: 60 }, (_, i) => `&p${i}=1`).join('')}`),
  },
  {
    input: 'UploadPart with GET',
    expected: 'code -10003',
    run: async () =>
      sendTo(await signed('UploadPart', { fileSha: file.fileSha, offset: 0, dataSize: 1, dataMd5: 'b'.repeat(32) }, { method: 'GET' }), {
        method: 'GET',
      }),
  },
  { input: 'UploadPart without a session', expected: 'code -10005', run: () => part({ fileSha: 'c'.repeat(40) }, file.bytes) },
  { input: 'UploadPart at offset 7', expected: 'code -10003', run: () => withSession(() => part({ offset: 7 }, file.bytes.subarray(7))) },
  {
    input: 'UploadPart body shorter than dataSize',
    expected: 'code -10006',
    run: () => withSession(() => part({ dataSize: 1000 }, file.bytes.subarray(0, 999))),
  },
  {
    input: 'UploadPart body longer than dataSize',
    expected: 'code -10006',
    run: () => withSession(() => part({ dataSize: 1000, dataMd5: md5Hex(file.bytes) }, new Uint8Array([...file.bytes, 0]))),
  },
  {
    input: 'UploadPart with the wrong dataMd5',
    expected: 'code -10006',
    run: () => withSession(() => part({ dataMd5: 'b'.repeat(32) }, file.bytes)),
  },
  {
    input: 'FinishUpload with the part missing',
    expected: 'code -10003',
    run: () => withSession(async () => sendTo(await signed('FinishUpload', { fileSha: file.fileSha }))),
  },
  {
    input: 'FinishUpload without a session',
    expected: 'code -10005',
    run: async () => sendTo(await signed('FinishUpload', { fileSha: 'd'.repeat(40) })),
  },
  { input: 'DELETE on the API', expected: 'HTTP 405', run: () => sendTo(emu.endpoint, { method: 'DELETE' }) },
  { input: 'GET of an unknown path', expected: 'HTTP 404', run: () => sendTo(`${emu.origin}/admin`, { method: 'GET' }) },
  {
    input: 'control API from another origin',
    expected: 'HTTP 403',
    run: () => sendTo(`${emu.origin}/_emulator/faults`, { method: 'DELETE', headers: { Origin: 'http://evil.example' } }),
  },
  {
    input: 'control API by DNS rebinding (Host and Origin rebind.example)',
    expected: 'HTTP 403',
    run: () =>
      sendTo('http://rebind.example:8787/_emulator/faults', {
        method: 'DELETE',
        headers: { Origin: 'http://rebind.example:8787', Host: 'rebind.example:8787' },
      }),
    bug: 5,
  },
  {
    input: 'control API: a fault rule of kind "explode"',
    expected: 'HTTP 400',
    run: () => sendTo(`${emu.origin}/_emulator/faults`, { method: 'POST', body: '{"kind":"explode"}' }),
  },
  {
    input: 'control API: a body that is not JSON',
    expected: 'HTTP 400',
    run: () => sendTo(`${emu.origin}/_emulator/faults`, { method: 'POST', body: '{' }),
  },
  { input: 'faults option "early=2"', expected: 'VodArgumentError faults early', run: () => createEmulator({ faults: 'early=2' }) },
  { input: 'credentials option []', expected: 'VodArgumentError credentials', run: () => createEmulator({ credentials: [] }) },
]);

// ── The signing handler and the upload proxy ───────────────────────────────────────────────────

// No `hosts` option: they sign for the service host (vod2.qcloud.com) only.
const signing = createSigningHandler({ ...DEV_CREDENTIALS, authorize: () => true, limits: { maxFileSize: 10_000, allowedTypes: ['mp4'] } });
const signingDenies = createSigningHandler({ ...DEV_CREDENTIALS, authorize: () => 'no quota left' });
const signingThrows = createSigningHandler({
  ...DEV_CREDENTIALS,
  authorize: () => {
    throw new Error('who are you');
  },
  onError: () => {},
});
const now = () => String(Math.floor(Date.now() / 1000));
const signItem = (params: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  method: 'POST',
  host: 'vod2.qcloud.com',
  path: '/v2/index.php',
  params: {
    Action: 'InitUpload',
    Region: 'gz',
    Timestamp: now(),
    Nonce: '12345',
    fileName: 'a',
    fileSha: sha,
    fileSize: '1000',
    dataSize: '524288',
    fileType: 'mp4',
    ...params,
  },
  ...extra,
});
const sign = (body: unknown, handle = signing, method = 'POST') =>
  handle(
    new Request('http://127.0.0.1/sign', {
      method,
      ...(method === 'POST' ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    }),
  );

const proxy = createUploadProxy({
  ...DEV_CREDENTIALS,
  upstream: emu.endpoint,
  authorize: () => true,
  limits: { maxFileSize: 10_000, allowedTypes: ['mp4'] },
});
const proxyDenies = createUploadProxy({ ...DEV_CREDENTIALS, upstream: emu.endpoint, authorize: () => false });
const viaProxy = (query: Record<string, string>, init: RequestInit = { method: 'POST' }, handle = proxy) =>
  handle(new Request(`http://127.0.0.1/vod?${new URLSearchParams({ Region: 'gz', ...query }).toString()}`, init));
const initQuery = { Action: 'InitUpload', fileName: 'a', fileSha: sha, fileSize: '1000', dataSize: '524288', fileType: 'mp4' };

table('proxy and signing handlers', [
  { input: 'signing: GET', expected: 'HTTP 405 METHOD_NOT_ALLOWED', run: () => sign(undefined, signing, 'GET') },
  { input: 'signing: a body that is not JSON', expected: 'HTTP 400 BAD_REQUEST', run: () => sign('{') },
  { input: 'signing: { requests: [] }', expected: 'HTTP 400 BAD_REQUEST', run: () => sign({ requests: [] }) },
  {
    input: 'signing: 65 parameter sets',
    expected: 'HTTP 413 BATCH_TOO_LARGE',
    run: () => sign({ requests: Array.from({ length: 65 }, () => signItem({})) }),
  },
  {
    input: 'signing: a body over 256 KiB',
    expected: 'HTTP 413 BODY_TOO_LARGE',
    run: () => sign({ requests: [signItem({})], pad: 'x'.repeat(300 * 1024) }),
  },
  {
    input: 'signing: method PUT in a set',
    expected: 'HTTP 400 BAD_REQUEST',
    run: () => sign({ requests: [signItem({}, { method: 'PUT' })] }),
  },
  { input: 'signing: host "a b"', expected: 'HTTP 400 BAD_REQUEST', run: () => sign({ requests: [signItem({}, { host: 'a b' })] }) },
  {
    input: 'signing: path "/v2/admin"',
    expected: 'HTTP 400 NOT_ALLOWED',
    run: () => sign({ requests: [signItem({}, { path: '/v2/admin' })] }),
  },
  {
    input: 'signing: Action DeleteVodFile',
    expected: 'HTTP 400 NOT_ALLOWED',
    run: () => sign({ requests: [signItem({ Action: 'DeleteVodFile' })] }),
  },
  {
    input: 'signing: fileType exe (allowed: mp4)',
    expected: 'HTTP 403 FORBIDDEN',
    run: () => sign({ requests: [signItem({ fileType: 'exe' })] }),
  },
  {
    input: 'signing: fileSize over maxFileSize',
    expected: 'HTTP 403 FORBIDDEN',
    run: () => sign({ requests: [signItem({ fileSize: '10001' })] }),
  },
  {
    input: 'signing: Timestamp an hour ahead',
    expected: 'HTTP 400 BAD_REQUEST',
    run: () => sign({ requests: [signItem({ Timestamp: String(Math.floor(Date.now() / 1000) + 3600) })] }),
  },
  { input: 'signing: Nonce "abc"', expected: 'HTTP 400 BAD_REQUEST', run: () => sign({ requests: [signItem({ Nonce: 'abc' })] }) },
  {
    input: 'signing: fileName holding "&Action=DeleteVodFile&fileType=exe"',
    expected: 'HTTP 400 NOT_ALLOWED',
    run: () => sign({ requests: [signItem({ fileName: 'a&Action=DeleteVodFile&fileType=exe' })] }),
    bug: 2,
  },
  {
    input: 'signing: an extra parameter "Action2"',
    expected: 'HTTP 400 NOT_ALLOWED',
    run: () => sign({ requests: [signItem({ Action2: 'x' })] }),
    bug: 2,
  },
  {
    input: 'signing: host vod.api.qcloud.com by default',
    expected: 'HTTP 400 NOT_ALLOWED',
    run: () => sign({ requests: [signItem({}, { host: 'vod.api.qcloud.com' })] }),
    bug: 2,
  },
  {
    input: 'signing: authorize says "no quota left"',
    expected: 'HTTP 403 FORBIDDEN',
    run: () => sign({ requests: [signItem({})] }, signingDenies),
  },
  { input: 'signing: authorize throws', expected: 'HTTP 401 UNAUTHORIZED', run: () => sign({ requests: [signItem({})] }, signingThrows) },
  {
    input: 'signing option maxBatch 0',
    expected: 'VodArgumentError maxBatch',
    run: () => createSigningHandler({ ...DEV_CREDENTIALS, authorize: () => true, maxBatch: 0 }),
  },
  {
    input: 'signing option authorize missing',
    expected: 'VodArgumentError authorize',
    run: () => createSigningHandler({ ...DEV_CREDENTIALS } as never),
  },
  { input: 'proxy: DELETE', expected: 'HTTP 405 code 4000', run: () => viaProxy(initQuery, { method: 'DELETE' }) },
  { input: 'proxy: no Action', expected: 'code -10001', run: () => viaProxy({ fileSha: sha }) },
  { input: 'proxy: Action DeleteVodFile', expected: 'code 6100', run: () => viaProxy({ Action: 'DeleteVodFile' }) },
  {
    input: 'proxy: UploadPart with GET',
    expected: 'code 4000',
    run: () => viaProxy({ Action: 'UploadPart', fileSha: sha, offset: '0', dataSize: '1', dataMd5: 'b'.repeat(32) }, { method: 'GET' }),
  },
  { input: 'proxy: fileSha "xyz"', expected: 'code -10003', run: () => viaProxy({ ...initQuery, fileSha: 'xyz' }) },
  { input: 'proxy: fileType exe (allowed: mp4)', expected: 'code 4300', run: () => viaProxy({ ...initQuery, fileType: 'exe' }) },
  { input: 'proxy: fileSize over maxFileSize', expected: 'code 4300', run: () => viaProxy({ ...initQuery, fileSize: '10001' }) },
  {
    input: 'proxy: a parameter given twice',
    expected: 'code -10003',
    run: () =>
      proxy(new Request(`http://127.0.0.1/vod?${new URLSearchParams({ Region: 'gz', ...initQuery })}&fileType=exe`, { method: 'POST' })),
  },
  {
    input: 'proxy: UploadPart body longer than dataSize',
    expected: 'code -10006',
    run: () =>
      viaProxy(
        { Action: 'UploadPart', fileSha: sha, offset: '0', dataSize: '1', dataMd5: 'b'.repeat(32) },
        { method: 'POST', body: new Uint8Array(2), headers: { 'Content-Length': '2' } },
      ),
  },
  {
    input: 'proxy: fileName holding "&Action=DeleteVodFile"',
    expected: 'code -10003',
    run: () => viaProxy({ ...initQuery, fileName: 'a&Action=DeleteVodFile' }),
    bug: 2,
  },
  { input: 'proxy: authorize says no', expected: 'code 4300', run: () => viaProxy(initQuery, { method: 'POST' }, proxyDenies) },
  {
    input: 'proxy option upstream "ftp://x"',
    expected: 'VodArgumentError upstream',
    run: () => createUploadProxy({ ...DEV_CREDENTIALS, upstream: 'ftp://x', authorize: () => true }),
  },
  {
    input: 'proxy option limits.maxFileSize -1',
    expected: 'VodArgumentError limits.maxFileSize',
    run: () => createUploadProxy({ ...DEV_CREDENTIALS, authorize: () => true, limits: { maxFileSize: -1 } }),
  },
]);

it('the tables hold at least 60 rows', () => {
  expect(rowCount).toBeGreaterThanOrEqual(60);
});
