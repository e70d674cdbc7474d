/**
 * bindUpload: the friendly upload() every runtime entry exports — endpoint + credentials in,
 * one shared client (and pacer) per connection, runtime services created lazily.
 */
import { createHash } from 'node:crypto';
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

/** A fetch that records each request's URL, headers and body and answers InitUpload with code 0. */
function recordingFetch() {
  const seen: { url: URL; headers: Headers; streamed: boolean }[] = [];
  const fake: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    seen.push({ url: new URL(request.url), headers: request.headers, streamed: init?.body instanceof ReadableStream });
    return new Response('{"code":0,"message":"","codeDesc":"","canRetry":0}', { headers: { 'content-type': 'application/json' } });
  };
  return { seen, fetch: fake };
}

const initParams = { fileName: 'clip', fileType: 'mp4', fileSha: 'a'.repeat(40), fileSize: 10, dataSize: 524288 as const };
const noRuntime = { createHasher: () => createInlineHasher() };

describe('bindUpload: clientFor', () => {
  it('a given client is returned as is', () => {
    const bound = bindUpload(noRuntime);
    const client = bound.clientFor({ endpoint: 'http://a.test/v2/index.php', ...DEV_CREDENTIALS });
    expect(bound.clientFor({ client })).toBe(client);
  });

  it('passes endpoint, region, fetch and headers to the client it makes', async () => {
    const bound = bindUpload(noRuntime);
    const { seen, fetch } = recordingFetch();
    const client = bound.clientFor({
      endpoint: 'http://a.test/v2/index.php',
      region: 'sh',
      fetch,
      headers: { 'x-token': 't1' },
      ...DEV_CREDENTIALS,
    });
    expect(client.endpoint).toBe('http://a.test/v2/index.php');
    await client.initUpload(initParams);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url.host).toBe('a.test');
    expect(seen[0]!.url.searchParams.get('Region')).toBe('sh');
    expect(seen[0]!.headers.get('x-token')).toBe('t1');
  });

  it('signs with a signer made from secretId/secretKey (loaded on first use), shared by equal credentials', async () => {
    const bound = bindUpload(noRuntime);
    const { seen, fetch } = recordingFetch();
    const options = { endpoint: 'http://a.test/v2/index.php', fetch, secretId: 'AKIDone', secretKey: 'key-one' };
    const client = bound.clientFor(options);
    await client.initUpload(initParams);
    expect(seen[0]!.url.searchParams.get('SecretId')).toBe('AKIDone');
    expect(seen[0]!.url.searchParams.get('Signature')).toMatch(/.{20,}/);
    expect(bound.clientFor({ ...options })).toBe(client);
    expect(bound.clientFor({ ...options, secretKey: 'key-two' })).not.toBe(client);
    expect(bound.clientFor({ ...options, secretId: 'AKIDtwo' })).not.toBe(client);
  });

  it('refuses missing or empty credentials, naming what is wrong', () => {
    const bound = bindUpload(noRuntime);
    const endpoint = 'http://a.test/v2/index.php';
    for (const partial of [{}, { secretId: 'id' }, { secretKey: 'key' }]) {
      expect(() => bound.clientFor({ endpoint, ...partial })).toThrow(
        expect.objectContaining({ parameter: 'signer', message: expect.stringContaining('secretId and secretKey') }),
      );
    }
    expect(() => bound.clientFor({ endpoint, secretId: '', secretKey: 'key' })).toThrow(expect.objectContaining({ parameter: 'secretId' }));
    expect(() => bound.clientFor({ endpoint, secretId: 5 as never, secretKey: 'key' })).toThrow(
      expect.objectContaining({ parameter: 'secretId' }),
    );
    expect(() => bound.clientFor({ endpoint, secretId: 'id', secretKey: '' })).toThrow(expect.objectContaining({ parameter: 'secretKey' }));
    expect(() => bound.clientFor({ endpoint, secretId: 'id', secretKey: 5 as never })).toThrow(
      expect.objectContaining({ parameter: 'secretKey' }),
    );
    expect(() => bound.clientFor({ endpoint, secretId: 'id', secretKey: 'key' })).not.toThrow();
  });

  it('the messages say what is wanted, and never show a secretKey', () => {
    const bound = bindUpload(noRuntime);
    const endpoint = 'http://a.test/v2/index.php';
    expect(() => bound.upload(new Blob(['x']), null as never)).toThrow('Invalid options: expected an object with endpoint and signer');
    expect(() => bound.clientFor({ endpoint, secretId: '', secretKey: 'k' })).toThrow(
      'Invalid secretId: expected a non-empty string, got ""',
    );
    let message = '';
    try {
      bound.clientFor({ endpoint, secretId: 'id', secretKey: 7 as never });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('Invalid secretKey: expected a non-empty string');
  });

  it('an object first seen after another is never taken for "none" (a fetch after a signer)', () => {
    const bound = bindUpload(noRuntime);
    const signer = { sign: async () => 'sig' } as never;
    const fetchA = (async () => new Response()) as typeof fetch;
    const plain = bound.clientFor({ endpoint: 'http://a.test/v2/index.php', signer });
    expect(bound.clientFor({ endpoint: 'http://a.test/v2/index.php', signer, fetch: fetchA })).not.toBe(plain);
  });

  it('one client per connection: equal options share it, each option that differs makes another', () => {
    const bound = bindUpload(noRuntime);
    const signer = { sign: async () => 'sig' } as never;
    const base = { endpoint: 'http://a.test/v2/index.php', signer };
    const client = bound.clientFor(base);
    expect(bound.clientFor({ ...base })).toBe(client);
    expect(bound.clientFor({ ...base, endpoint: undefined })).not.toBe(client);
    expect(bound.clientFor({ ...base, endpoint: undefined })).toBe(bound.clientFor({ signer }));
    for (const other of [
      { endpoint: 'http://b.test/v2/index.php' },
      { region: 'sh' },
      { timeoutMs: 1_000 },
      { stallTimeoutMs: 1_000 },
      { streamPartBodies: true },
      { signer: { sign: async () => 'sig' } as never },
      { fetch: (async () => new Response()) as typeof fetch },
      { headers: { a: '1' } },
    ]) {
      expect(bound.clientFor({ ...base, ...other })).not.toBe(client);
      expect(bound.clientFor({ ...base, ...other })).toBe(bound.clientFor({ ...base, ...other }));
    }
    // A number and its text are not the same setting.
    expect(bound.clientFor({ ...base, timeoutMs: 1_000 })).not.toBe(bound.clientFor({ ...base, timeoutMs: 2_000 }));
  });

  it('a value that is not the default (0, NaN, "") reaches the client\'s checks instead of reusing a client', () => {
    const bound = bindUpload(noRuntime);
    const base = { endpoint: 'http://a.test/v2/index.php', ...DEV_CREDENTIALS };
    bound.clientFor(base);
    expect(() => bound.clientFor({ ...base, timeoutMs: Number.NaN })).toThrow(expect.objectContaining({ parameter: 'timeoutMs' }));
    expect(() => bound.clientFor({ ...base, timeoutMs: 0 })).toThrow(expect.objectContaining({ parameter: 'timeoutMs' }));
    expect(() => bound.clientFor({ ...base, stallTimeoutMs: Number.NaN })).toThrow(
      expect.objectContaining({ parameter: 'stallTimeoutMs' }),
    );
    expect(() => bound.clientFor({ ...base, region: '' })).toThrow(expect.objectContaining({ parameter: 'region' }));
    expect(() => bound.clientFor({ ...base, endpoint: '' })).toThrow(expect.objectContaining({ parameter: 'endpoint' }));
  });

  it('plain header objects are told apart by content; functions, Headers and arrays by identity', () => {
    const bound = bindUpload(noRuntime);
    const base = { endpoint: 'http://a.test/v2/index.php', ...DEV_CREDENTIALS };
    expect(bound.clientFor({ ...base, headers: { a: '1' } })).toBe(bound.clientFor({ ...base, headers: { a: '1' } }));
    expect(bound.clientFor({ ...base, headers: () => ({ a: '1' }) })).not.toBe(bound.clientFor({ ...base, headers: () => ({ a: '2' }) }));
    expect(bound.clientFor({ ...base, headers: new Headers({ a: '1' }) })).not.toBe(
      bound.clientFor({ ...base, headers: new Headers({ a: '2' }) }),
    );
    expect(bound.clientFor({ ...base, headers: [['a', '1']] })).not.toBe(bound.clientFor({ ...base, headers: [['a', '1']] }));
    const shared = [['a', '1']] as [string, string][];
    expect(bound.clientFor({ ...base, headers: shared })).toBe(bound.clientFor({ ...base, headers: shared }));
  });

  it("the runtime's streamPartBodies is the default: an explicit equal value shares its client, another does not", () => {
    const bound = bindUpload({ ...noRuntime, clientDefaults: { streamPartBodies: true } });
    const base = { endpoint: 'http://a.test/v2/index.php', ...DEV_CREDENTIALS };
    const client = bound.clientFor(base);
    expect(bound.clientFor({ ...base, streamPartBodies: true })).toBe(client);
    expect(bound.clientFor({ ...base, streamPartBodies: false })).not.toBe(client);
  });
  it('the client it makes streams part bodies as the runtime prefers, unless told otherwise', async () => {
    const bound = bindUpload({ ...noRuntime, clientDefaults: { streamPartBodies: true } });
    const part = { fileSha: 'a'.repeat(40), offset: 0, dataSize: 3, dataMd5: createHash('md5').update('abc').digest('hex') };
    const streamed = recordingFetch();
    await bound
      .clientFor({ endpoint: 'http://a.test/v2/index.php', fetch: streamed.fetch, ...DEV_CREDENTIALS })
      .uploadPart(part, new Blob(['abc']));
    const whole = recordingFetch();
    const options = { endpoint: 'http://a.test/v2/index.php', fetch: whole.fetch, streamPartBodies: false, ...DEV_CREDENTIALS };
    await bound.clientFor(options).uploadPart(part, new Blob(['abc']));
    expect([streamed.seen[0]?.streamed, whole.seen[0]?.streamed]).toEqual([true, false]);
  });
});

describe('bindUpload: upload() and createUploadQueue()', () => {
  const endpoint = 'http://a.test/v2/index.php';
  /** A fetch whose every answer is HTTP 500, counting the requests. */
  function failingFetch() {
    const counter = { requests: 0 };
    const fake: typeof fetch = async () => (counter.requests++, new Response('down', { status: 500 }));
    return { counter, fetch: fake };
  }
  /** A memory store that counts what is written to it. */
  function countingStore() {
    const inner = createMemoryCheckpointStore();
    const store = {
      writes: 0,
      get: inner.get,
      delete: inner.delete,
      set: (key: string, value: unknown) => (store.writes++, inner.set(key, value)),
    };
    return store;
  }

  it('refuses options that are not an object', () => {
    const bound = bindUpload(noRuntime);
    for (const options of [undefined, null, 'x']) {
      expect(() => bound.upload(new Blob(['x']), options as never)).toThrow(expect.objectContaining({ parameter: 'options' }));
    }
  });

  it('`retries` sets retry.retries; an explicit retry.retries wins', async () => {
    const bound = bindUpload(noRuntime);
    const one = failingFetch();
    await expect(
      bound.upload(new File(['x'], 'a.mp4'), { endpoint, ...DEV_CREDENTIALS, fetch: one.fetch, retries: 0 }).done,
    ).rejects.toThrow();
    expect(one.counter.requests).toBe(1);
    const two = failingFetch();
    const options = { endpoint, ...DEV_CREDENTIALS, fetch: two.fetch, retries: 0, retry: { retries: 1, baseDelayMs: 0 } };
    await expect(bound.upload(new File(['x'], 'a.mp4'), options).done).rejects.toThrow();
    expect(two.counter.requests).toBe(2);
  });

  it("the runtime's store is made once and used unless the caller gives one or turns checkpoints off", async () => {
    let made = 0;
    const runtimeStore = countingStore();
    const bound = bindUpload({ ...noRuntime, createCheckpointStore: () => (made++, runtimeStore) });
    let lastModified = 0;
    // Each run a file of another time: a new checkpoint key, so each run that keeps checkpoints writes one.
    const run = (checkpoints?: unknown) => {
      lastModified += 1;
      const { fetch } = failingFetch();
      const options = { endpoint, ...DEV_CREDENTIALS, fetch, retries: 0, ...(checkpoints === undefined ? {} : { checkpoints }) };
      return expect(bound.upload(new File(['x'], 'a.mp4', { lastModified }), options as never).done).rejects.toThrow();
    };
    await run();
    expect(runtimeStore.writes).toBe(1);
    await run(false);
    expect(runtimeStore.writes).toBe(1);
    const own = countingStore();
    await run(own);
    expect(own.writes).toBe(1);
    expect(runtimeStore.writes).toBe(1);
    await run();
    expect(runtimeStore.writes).toBe(2);
    expect(made).toBe(1);
  });

  it('a runtime without a store is asked once; the hasher is made once, on first use', async () => {
    let stores = 0;
    let hashers = 0;
    const bound = bindUpload({ createHasher: () => (hashers++, createInlineHasher()), createCheckpointStore: () => (stores++, undefined) });
    expect([stores, hashers]).toEqual([0, 0]);
    for (let i = 0; i < 2; i += 1) {
      const { fetch } = failingFetch();
      await expect(bound.upload(new File(['x'], 'a.mp4'), { endpoint, ...DEV_CREDENTIALS, fetch, retries: 0 }).done).rejects.toThrow();
    }
    expect([stores, hashers]).toEqual([1, 1]);
  });

  it('createUploadQueue() gets the same defaults: client, hasher, retries', async () => {
    let hashers = 0;
    const bound = bindUpload({ createHasher: () => (hashers++, createInlineHasher()) });
    const { counter, fetch } = failingFetch();
    const queue = bound.createUploadQueue({ endpoint, ...DEV_CREDENTIALS, fetch, retries: 0 });
    await expect(queue.add(new File(['x'], 'a.mp4'))).rejects.toThrow();
    expect(counter.requests).toBe(1);
    expect(hashers).toBe(1);
  });
});
