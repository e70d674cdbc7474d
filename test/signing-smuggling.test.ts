/**
 * Smuggled requests (issue 9, bug 2). The string to sign joins raw `name=value` pairs with `&`,
 * so a value holding `&fileSize=…&fileType=exe&…` lets one signature cover another request. The
 * signing handler and the upload proxy refuse such sets, sign only the protocol's own parameters,
 * and the handler signs only for the service's host unless told otherwise. In every case here
 * the attacker gets nothing to send, so the emulator sees zero requests.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sanitizeFileName } from '../src/core/source.js';
import { ambiguousParam, createSecretSigner, stringToSign, VodArgumentError } from '../src/protocol/index.js';
import { createSigningHandler, createUploadProxy } from '../src/proxy/index.js';
import { DEV_CREDENTIALS, startEmulator, type RunningEmulator } from './helpers/upload-stack.js';

const SHA = 'c'.repeat(40);
const FIVE_GIB = String(5 * 1024 ** 3);
let emu: RunningEmulator;
let host: string;
const allowAll = (): boolean => true;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  host = new URL(emu.endpoint).host;
});
afterAll(() => emu.close());
beforeEach(() => emu.emulator.log.clear());

const common = (): Record<string, string> => ({
  Action: 'InitUpload',
  Region: 'gz',
  Timestamp: String(Math.floor(Date.now() / 1000)),
  Nonce: '12345',
});

/**
 * The attack: the set the handler is asked to sign (an allowed mp4 of 1000 bytes), and the
 * different request the attacker then sends with that signature (exe, 5 GiB). Both have the same
 * string to sign, because `fileS`'s value carries `&` and `=`.
 */
function smuggle(): { asked: Record<string, string>; sent: Record<string, string> } {
  const base = { ...common(), dataSize: '1048576', fileName: 'x', fileS: 'x' };
  const asked = {
    ...base,
    fileS: `x&fileSha=${SHA}&fileSize=${FIVE_GIB}&fileType=exe&zz=`,
    fileSha: SHA,
    fileSize: '1000',
    fileType: 'mp4',
  };
  const sent = { ...base, fileSha: SHA, fileSize: FIVE_GIB, fileType: 'exe', zz: `&fileSha=${SHA}&fileSize=1000&fileType=mp4` };
  return { asked, sent };
}

function signingRequest(params: Record<string, string>, signHost = host): Request {
  return new Request('http://app.test/api/sign', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ requests: [{ method: 'POST', host: signHost, path: '/v2/index.php', params }] }),
  });
}

/** What the attacker does with an answer: send `sent` with each signature it got to the emulator. */
async function useSignatures(answer: Response, sent: Record<string, string>): Promise<unknown[]> {
  const body = (await answer.json()) as { signatures?: Record<string, string>[] };
  const codes: unknown[] = [];
  for (const signed of body.signatures ?? []) {
    const query = new URLSearchParams({ ...sent, SecretId: signed.SecretId!, Signature: signed.Signature! });
    codes.push(((await (await fetch(`${emu.endpoint}?${query}`, { method: 'POST' })).json()) as { code: number }).code);
  }
  return codes;
}

describe('the signing handler', () => {
  const handler = (): ((request: Request) => Promise<Response>) =>
    createSigningHandler({
      ...DEV_CREDENTIALS,
      authorize: allowAll,
      hosts: [host],
      limits: { maxFileSize: 10_000, allowedTypes: ['mp4'] },
    });

  it('the smuggled set has the same string to sign as the exe of 5 GiB (the premise)', () => {
    const { asked, sent } = smuggle();
    const withId = (params: Record<string, string>) => ({ ...params, SecretId: DEV_CREDENTIALS.secretId });
    expect(stringToSign({ method: 'POST', host, path: '/v2/index.php', params: withId(asked) })).toBe(
      stringToSign({ method: 'POST', host, path: '/v2/index.php', params: withId(sent) }),
    );
  });

  it('refuses to sign the issue attack, and the emulator sees no request', async () => {
    const { asked, sent } = smuggle();
    const answer = await handler()(signingRequest(asked));
    expect(answer.status).toBe(400);
    expect(await useSignatures(answer.clone(), sent)).toEqual([]);
    expect(((await answer.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'NOT_ALLOWED',
      message: expect.stringMatching(/fileS/),
    });
    expect(emu.emulator.log.count()).toBe(0);
  });

  it('refuses &, = and control characters in any value, and parameters the action does not have', async () => {
    const sign = handler();
    const good = { ...common(), dataSize: '1048576', fileName: 'clip', fileSha: SHA, fileSize: '1000', fileType: 'mp4' };
    expect((await sign(signingRequest(good))).status).toBe(200);
    for (const bad of [
      { ...good, fileName: 'a&Action=DeleteVodFile' },
      { ...good, fileName: 'a=b' },
      { ...good, fileName: 'line\nbreak' },
      { ...good, RequestClient: 'x\u0000' },
      { ...good, 'tag.1': 'a&b' },
      { ...good, Version: '2017-03-12' },
      { ...good, '0': 'x' },
    ]) {
      const answer = await sign(signingRequest(bad));
      expect(answer.status, JSON.stringify(bad)).toBe(400);
    }
    expect(emu.emulator.log.count()).toBe(0);
  });

  it('signs only for the service host by default: no signature for vod.api.qcloud.com or the emulator', async () => {
    const sign = createSigningHandler({ ...DEV_CREDENTIALS, authorize: allowAll });
    const good = { ...common(), dataSize: '1048576', fileName: 'clip', fileSha: SHA, fileSize: '1000', fileType: 'mp4' };
    for (const other of ['vod.api.qcloud.com', host]) {
      const answer = await sign(signingRequest(good, other));
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as { error: { message: string } }).error.message).toContain('not a host this endpoint signs for');
    }
    expect((await sign(signingRequest(good, 'vod2.qcloud.com'))).status).toBe(200);
  });
});

describe('the upload proxy', () => {
  it('refuses the issue attack and unknown parameters before anything goes upstream', async () => {
    const proxy = createUploadProxy({
      ...DEV_CREDENTIALS,
      upstream: emu.endpoint,
      authorize: allowAll,
      limits: { maxFileSize: 10_000, allowedTypes: ['mp4'] },
    });
    const { asked } = smuggle();
    const good = { ...common(), dataSize: '1048576', fileName: 'clip', fileSha: SHA, fileSize: '1000', fileType: 'mp4' };
    for (const params of [asked, { ...good, fileName: 'a&b' }, { ...good, Version: '1' }, { ...good, fileName: 'tab\there' }]) {
      const answer = await proxy(new Request(`http://app.test/v2/index.php?${new URLSearchParams(params)}`, { method: 'POST' }));
      expect(((await answer.json()) as { code: number }).code, JSON.stringify(params)).toBe(-10003);
    }
    expect(emu.emulator.log.count()).toBe(0);
    // The same proxy forwards a clean request.
    const answer = await proxy(new Request(`http://app.test/v2/index.php?${new URLSearchParams(good)}`, { method: 'POST' }));
    expect(((await answer.json()) as { code: number }).code).toBe(0);
    expect(emu.emulator.log.count()).toBe(1);
  });
});

describe('ambiguousParam and file-name cleaning', () => {
  it('names the parameter and the character', () => {
    expect(ambiguousParam({ fileName: 'clip' })).toBeUndefined();
    expect(ambiguousParam({ fileName: 'a&b' })?.message).toMatch(/fileName: holds "&"/);
    expect(ambiguousParam({ 'a=b': 'x' })?.message).toMatch(/parameter name/);
    expect(ambiguousParam({ fileName: 'del\u007f' })?.name).toBe('fileName');
  });

  it('a secret signer refuses such a set with a VodArgumentError naming the parameter', async () => {
    const signing = createSecretSigner(DEV_CREDENTIALS).sign({
      method: 'POST',
      host: 'vod2.qcloud.com',
      path: '/v2/index.php',
      params: { Action: 'InitUpload', fileName: 'a&Action=DeleteVodFile' },
    });
    await expect(signing).rejects.toBeInstanceOf(VodArgumentError);
    await expect(signing).rejects.toMatchObject({ parameter: 'params.fileName' });
  });

  it('the client cleans & = and control characters out of file names, so its own uploads pass', () => {
    expect(sanitizeFileName('Tom & Jerry = fun\u0001')).toBe('Tom _ Jerry _ fun_');
  });
});
