import { describe, expect, it } from 'vitest';
import { createVodClient, type VodClientOptions } from '../src/client/index.js';
import { createSecretSigner, VodArgumentError } from '../src/protocol/index.js';

const signer = createSecretSigner({ secretId: 'id', secretKey: 'key' });

/** The VodArgumentError `createVodClient` throws for `options` (nothing is sent: no fetch is given a chance). */
function refusal(options: Partial<VodClientOptions>): VodArgumentError {
  try {
    createVodClient({ signer, ...options } as VodClientOptions);
  } catch (error) {
    if (error instanceof VodArgumentError) return error;
    throw error;
  }
  throw new Error('expected a VodArgumentError');
}

describe('createVodClient: options', () => {
  it('takes the documented defaults and any http(s) endpoint', () => {
    expect(createVodClient({ signer }).endpoint).toBe('https://vod2.qcloud.com/v2/index.php');
    expect(createVodClient({ signer, endpoint: 'http://127.0.0.1:9/v2/index.php' }).endpoint).toBe('http://127.0.0.1:9/v2/index.php');
    expect(() => createVodClient({ signer, timeoutMs: 2_147_483_647, stallTimeoutMs: 0, streamPartBodies: true, fetch })).not.toThrow();
  });

  it('refuses a missing signer without showing what was passed', () => {
    expect(() => createVodClient(undefined as never)).toThrow(VodArgumentError);
    expect(refusal({ signer: { sign: 'no' } as never }).message).toBe(
      'Invalid signer: expected a Signer with a sign() method (e.g. createSecretSigner({ secretId, secretKey }))',
    );
  });

  it('refuses an endpoint that is not an absolute http(s) URL', () => {
    expect(refusal({ endpoint: 'vod2.qcloud.com' }).message).toBe(
      'Invalid endpoint: expected an absolute http(s) URL, got "vod2.qcloud.com"',
    );
    expect(refusal({ endpoint: 'ftp://x/' }).message).toBe('Invalid endpoint: expected an http(s) URL, got "ftp://x/"');
  });

  it('refuses an empty or non-string region', () => {
    expect(refusal({ region: '' }).message).toBe('Invalid region: expected a non-empty string, got ""');
    expect(refusal({ region: 5 as never }).parameter).toBe('region');
  });

  it('takes a timeout from 1 ms to 2^31 - 1 ms', () => {
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2_147_483_648, '5' as never]) {
      expect(refusal({ timeoutMs }).message, String(timeoutMs)).toMatch(
        /^Invalid timeoutMs: expected a number of milliseconds from 1 to 2147483647, got /,
      );
    }
    expect(() => createVodClient({ signer, timeoutMs: 1 })).not.toThrow();
  });

  it('takes a stall timeout from 0 (off) to 2^31 - 1 ms', () => {
    for (const stallTimeoutMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, 2_147_483_648, '5' as never]) {
      expect(refusal({ stallTimeoutMs }).message, String(stallTimeoutMs)).toMatch(
        /^Invalid stallTimeoutMs: expected a number of milliseconds from 0 \(off\) to 2147483647, got /,
      );
    }
    expect(() => createVodClient({ signer, stallTimeoutMs: 2_147_483_647 })).not.toThrow();
  });

  it('refuses a streamPartBodies that is not a boolean, and a fetch that is not a function', () => {
    expect(refusal({ streamPartBodies: 'yes' as never }).message).toBe('Invalid streamPartBodies: expected a boolean, got "yes"');
    expect(refusal({ fetch: 5 as never }).message).toBe('Invalid fetch: expected a fetch function, got 5');
  });
});
