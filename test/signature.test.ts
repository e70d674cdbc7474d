import { describe, expect, it } from 'vitest';
import {
  ambiguousParam,
  canonicalQuery,
  computeSignature,
  createSecretSigner,
  hmacBase64,
  signatureMethodOf,
  stringToSign,
  timingSafeEqual,
} from '../src/protocol/index.js';

const vectorParams = {
  SecretId: 'secretIdFoo',
  Region: 'ap-guangzhou',
  SignatureMethod: 'HmacSHA1',
  Nonce: '1290303896666895346',
  Timestamp: '1512393162',
  Action: 'DescribeInstances',
  Version: '2017-03-12',
};
const base = { host: 'cvm.api.qcloud.com', path: '/v2/index.php' };

describe('v2 signature: published vectors (PROTOCOL.md)', () => {
  it('vector 1: the published plain text, HMAC-SHA1', async () => {
    const plain =
      'GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&Nonce=11886&Region=gz&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&Timestamp=1465185768&instanceIds.0=ins-09dx96dg&limit=20&offset=0';
    expect(await hmacBase64('Gu5t9xGARNpq86cd98joQYCN3Cozk1qA', 'HmacSHA1')(plain)).toBe('NSI3UqqD99b/UJb4tbG/xZpRW64=');
  });

  it('vector 1 rebuilt from its parameters (names with _ become .)', async () => {
    const params = {
      Action: 'DescribeInstances',
      Nonce: '11886',
      Region: 'gz',
      SecretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA',
      Timestamp: '1465185768',
      instanceIds_0: 'ins-09dx96dg',
      limit: '20',
      offset: '0',
    };
    const input = { method: 'GET' as const, host: 'cvm.api.qcloud.com', path: '/v2/index.php', params };
    expect(stringToSign(input)).toContain('&instanceIds.0=ins-09dx96dg&limit=20');
    expect(await computeSignature(input, 'Gu5t9xGARNpq86cd98joQYCN3Cozk1qA')).toBe('NSI3UqqD99b/UJb4tbG/xZpRW64=');
  });

  it('vector 2: POST and GET, HmacSHA1', async () => {
    expect(await computeSignature({ ...base, method: 'POST', params: vectorParams }, 'secretKeyBar')).toBe('p3n+pxBqF5JGZtDSxoVn5tGngf0=');
    expect(await computeSignature({ ...base, method: 'GET', params: vectorParams }, 'secretKeyBar')).toBe('5HAq1BOKNLEE2/uauWnp6Zv9Z3c=');
  });

  it('vector 3: POST, HmacSHA256', async () => {
    const params = { ...vectorParams, SignatureMethod: 'HmacSHA256' };
    expect(await computeSignature({ ...base, method: 'POST', params }, 'secretKeyBar')).toBe(
      'B2T37FRSP6Fk0/q/cdfrTE0p3zX5ooB/2BPWZUFpsj4=',
    );
  });

  it('createSecretSigner adds SecretId and reproduces vector 2 and 3', async () => {
    const { SecretId: _omit, ...rest } = vectorParams;
    const sha1 = await createSecretSigner({ secretId: 'secretIdFoo', secretKey: 'secretKeyBar' }).sign({
      ...base,
      method: 'POST',
      params: rest,
    });
    expect(sha1.Signature).toBe('p3n+pxBqF5JGZtDSxoVn5tGngf0=');
    expect(sha1.SecretId).toBe('secretIdFoo');
    const { SignatureMethod: _m, ...noMethod } = rest;
    const sha256 = await createSecretSigner({ secretId: 'secretIdFoo', secretKey: 'secretKeyBar', signatureMethod: 'HmacSHA256' }).sign({
      ...base,
      method: 'POST',
      params: noMethod,
    });
    expect(sha256.SignatureMethod).toBe('HmacSHA256');
    expect(sha256.Signature).toBe('B2T37FRSP6Fk0/q/cdfrTE0p3zX5ooB/2BPWZUFpsj4=');
  });

  it('a signer refuses empty credentials with a typed error naming the parameter', () => {
    expect(() => createSecretSigner({ secretId: '', secretKey: 'k' })).toThrow(/secretId/);
    expect(() => createSecretSigner({ secretId: 'id', secretKey: '' })).toThrow(/secretKey/);
  });

  it('timingSafeEqual compares whole strings', () => {
    expect(timingSafeEqual('abc', 'abc')).toBe(true);
    expect(timingSafeEqual('abc', 'abd')).toBe(false);
    expect(timingSafeEqual('abc', 'abcd')).toBe(false);
    expect(timingSafeEqual('', '')).toBe(true);
  });
});

describe('v2 signature: non-ASCII and special characters (vectors from a second implementation)', () => {
  // Computed once with OpenSSL over the plain texts below, written out byte for byte:
  //   printf '%s' "$PLAIN" | openssl dgst -sha1 -hmac "$KEY" -binary | base64   (and -sha256)
  // Raw (not URL-encoded) values with spaces, #, +, %, /, ?, quotes, CJK, accents and an emoji (& and =
  // are refused by the signer: they would make the joined text ambiguous); a name with
  // `_`; names ordered by code point, where `xｚ` (U+FF5A) comes before `x😀` (U+1F600) although
  // UTF-16 code units would order them the other way.
  const key = 'clé secrète/ключ+=';
  const params = {
    Action: 'InitUpload',
    Nonce: '4242',
    Region: 'gz',
    Timestamp: '1700000000',
    'x😀': '🎬',
    fileName: '会议 录像 #1+1%20/é?\'"~*',
    fileType: 'mp4',
    xｚ: 'ünïcødé',
    vod_sessionKey: 'a+b c;d',
  };
  const input = {
    method: 'POST' as const,
    host: 'vod.example.test',
    path: '/v2/index.php',
    params: { ...params, SecretId: 'AKIDexample' },
  };
  const plainSha1 =
    'POSTvod.example.test/v2/index.php?Action=InitUpload&Nonce=4242&Region=gz&SecretId=AKIDexample&Timestamp=1700000000&fileName=会议 录像 #1+1%20/é?\'"~*&fileType=mp4&vod.sessionKey=a+b c;d&xｚ=ünïcødé&x😀=🎬';
  const plainSha256 =
    'POSTvod.example.test/v2/index.php?Action=InitUpload&Nonce=4242&Region=gz&SecretId=AKIDexample&SignatureMethod=HmacSHA256&Timestamp=1700000000&fileName=会议 录像 #1+1%20/é?\'"~*&fileType=mp4&vod.sessionKey=a+b c;d&xｚ=ünïcødé&x😀=🎬';

  it('HmacSHA1: the plain text and the signature', async () => {
    expect(stringToSign(input)).toBe(plainSha1);
    expect(await computeSignature(input, key)).toBe('X3i+rs3llAQg1PVYVDYl6Pejlis=');
    const signed = await createSecretSigner({ secretId: 'AKIDexample', secretKey: key }).sign({ ...input, params });
    expect(signed.Signature).toBe('X3i+rs3llAQg1PVYVDYl6Pejlis=');
  });

  it('HmacSHA256: the plain text and the signature', async () => {
    const with256 = { ...input, params: { ...input.params, SignatureMethod: 'HmacSHA256' } };
    expect(stringToSign(with256)).toBe(plainSha256);
    expect(await computeSignature(with256, key)).toBe('YmzfKxl5N20wjODZ9aBfyJRBrS7qk5Zslr97I7GaY3U=');
    const signed = await createSecretSigner({ secretId: 'AKIDexample', secretKey: key, signatureMethod: 'HmacSHA256' }).sign({
      ...input,
      params,
    });
    expect(signed.Signature).toBe('YmzfKxl5N20wjODZ9aBfyJRBrS7qk5Zslr97I7GaY3U=');
  });
});

describe('v2 signature: ordering, method choice and refusals', () => {
  it('a name that is a prefix of another comes first', () => {
    expect(canonicalQuery({ ab: '1', a: '2', b: '3' })).toBe('a=2&ab=1&b=3');
    expect(canonicalQuery({ 'a😀': '1', a: '2' })).toBe('a=2&a😀=1');
  });

  it('HmacSHA256 only when asked for by that exact name', () => {
    expect(signatureMethodOf({ SignatureMethod: 'HmacSHA256' })).toBe('HmacSHA256');
    expect(signatureMethodOf({ SignatureMethod: 'HmacSHA1' })).toBe('HmacSHA1');
    expect(signatureMethodOf({ SignatureMethod: 'hmacsha256' })).toBe('HmacSHA1');
    expect(signatureMethodOf({})).toBe('HmacSHA1');
  });

  it('ambiguousParam shows at most 64 characters of a name, and refuses a value that is not a string', () => {
    expect(ambiguousParam({ [`${'n'.repeat(70)}&`]: 'v' })).toEqual({
      name: 'n'.repeat(64),
      message: `parameter name ${JSON.stringify('n'.repeat(64))} holds & or = or a control character`,
    });
    expect(ambiguousParam({ fileSize: 5 as unknown as string })).toEqual({
      name: 'fileSize',
      message: 'fileSize: expected a string value',
    });
    expect(ambiguousParam({ a: 'x', b: 'y' })).toBeUndefined();
  });

  it('a signer refuses credentials and methods that are not what it takes, saying what it expected', () => {
    const refusal = (options: unknown): unknown => {
      try {
        createSecretSigner(options as never);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(refusal(undefined)).toMatchObject({ parameter: 'secretId', message: 'Invalid secretId: expected a non-empty string' });
    expect(refusal({ secretId: 5, secretKey: 'k' })).toMatchObject({ message: 'Invalid secretId: expected a non-empty string, got 5' });
    expect(refusal({ secretId: 'id', secretKey: 5 })).toMatchObject({ message: 'Invalid secretKey: expected a non-empty string' });
    expect(refusal({ secretId: 'id', secretKey: 'k', signatureMethod: 'MD5' })).toMatchObject({
      message: 'Invalid signatureMethod: expected "HmacSHA1" or "HmacSHA256", got "MD5"',
    });
    expect(refusal({ secretId: 'id', secretKey: 'k' })).toBeUndefined();
  });

  it('a signer names the parameter it refuses to sign and says why', async () => {
    const signer = createSecretSigner({ secretId: 'id', secretKey: 'k' });
    await expect(signer.sign({ ...base, method: 'POST', params: { fileName: 'a&Action=x' } })).rejects.toMatchObject({
      parameter: 'params.fileName',
      message: 'Invalid params.fileName: expected no &, = or control character (the string to sign joins raw values), got "a&Action=x"',
    });
  });
});
