/**
 * Bad arguments of the runtime entry are typed errors, never a cached client or a bare ENOENT
 * (issue 9, bug 6): a missing file, region '', timeoutMs 0 or NaN after a default client exists,
 * and a concurrency past its bound.
 */
import { describe, expect, it } from 'vitest';
import { upload, uploadFile } from '../src/adapters/node/index.js';
import { VodArgumentError, VodError } from '../src/protocol/index.js';
import { DEV_CREDENTIALS } from './helpers/upload-stack.js';

const base = { endpoint: 'http://127.0.0.1:9/v2/index.php', ...DEV_CREDENTIALS, checkpoints: false as const };
const file = (): File => new File([new Uint8Array(10)], 'clip.mp4', { lastModified: 1 });

describe('runtime entry arguments', () => {
  it('uploadFile of a missing file rejects with a VodError SOURCE naming the path', async () => {
    const error = await uploadFile('no-such-dir/missing.mp4', base).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VodError);
    expect(error).toMatchObject({ code: 'SOURCE', canRetry: false });
    expect((error as Error).message).toContain('no-such-dir/missing.mp4');
  });

  it("region '', timeoutMs 0 or NaN are refused even after a default client was made", () => {
    upload(file(), base).done.catch(() => undefined);
    for (const [name, change] of [
      ['region', { region: '' }],
      ['timeoutMs', { timeoutMs: 0 }],
      ['timeoutMs', { timeoutMs: Number.NaN }],
      ['stallTimeoutMs', { stallTimeoutMs: -1 }],
    ] as const) {
      let error: unknown;
      try {
        upload(file(), { ...base, ...change });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(VodArgumentError);
      expect(error).toMatchObject({ parameter: name });
    }
  });

  it('concurrency has an upper bound (64)', () => {
    expect(() => upload(file(), { ...base, concurrency: 1e9 })).toThrow(/concurrency: expected 'auto' or an integer from 1 to 64/);
    expect(() => upload(file(), { ...base, concurrency: 64 }).done.catch(() => undefined)).not.toThrow();
  });
});
