/**
 * bindUpload: the friendly upload() every runtime entry exports — endpoint + credentials in,
 * one shared client (and pacer) per connection, runtime services created lazily.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindUpload, createInlineHasher, createMemoryCheckpointStore, VodArgumentError } from '../src/engine.js';
import { countingHasher, DEV_CREDENTIALS, randomFile, startEmulator, type RunningEmulator } from './helpers/upload-stack.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(() => emu.close());

describe('bindUpload', () => {
  it('uploads with endpoint + secretId/secretKey, creating runtime services only on first use', async () => {
    let hashers = 0;
    let stores = 0;
    const bound = bindUpload({
      createHasher: () => (hashers++, createInlineHasher()),
      createCheckpointStore: () => (stores++, createMemoryCheckpointStore()),
    });
    expect([hashers, stores]).toEqual([0, 0]);
    const options = { endpoint: emu.endpoint, ...DEV_CREDENTIALS };
    const first = await bound.upload(randomFile(700_000), options).done;
    const second = await bound.upload(randomFile(10), options).done;
    expect(first.kind).toBe('new');
    expect(second.kind).toBe('new');
    expect([hashers, stores]).toEqual([1, 1]);
    expect(bound.clientFor(options)).toBe(bound.clientFor({ ...options }));
    expect(bound.clientFor(options)).not.toBe(bound.clientFor({ ...options, region: 'sh' }));
    // Another fetch or another token is another client, never a shared one.
    const fetchA: typeof fetch = (input, init) => fetch(input, init);
    const fetchB: typeof fetch = (input, init) => fetch(input, init);
    expect(bound.clientFor({ ...options, fetch: fetchA })).not.toBe(bound.clientFor({ ...options, fetch: fetchB }));
    expect(bound.clientFor({ ...options, fetch: fetchA })).toBe(bound.clientFor({ ...options, fetch: fetchA }));
    expect(bound.clientFor({ ...options, headers: { Authorization: 'a' } })).not.toBe(
      bound.clientFor({ ...options, headers: { Authorization: 'b' } }),
    );
  });

  it('a caller-given hasher and client win; missing credentials are a typed error', async () => {
    const bound = bindUpload({
      createHasher: () => {
        throw new Error('must not be called');
      },
    });
    const hasher = countingHasher();
    const result = await bound.upload(randomFile(1000), { endpoint: emu.endpoint, ...DEV_CREDENTIALS, hasher }).done;
    expect(result.kind).toBe('new');
    expect(hasher.bytes).toBe(1000);
    expect(() => bound.upload(randomFile(10), { endpoint: emu.endpoint, hasher })).toThrow(VodArgumentError);
  });
});
