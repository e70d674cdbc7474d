/**
 * The deferred upload a page entry returns before its engine is loaded (core/deferred-upload.ts):
 * the handle exists at once, calls made meanwhile reach the real upload, bad input is still a
 * typed error naming the parameter, and the queue starts its files the same way. The engine here
 * is bindUpload with an inline hasher, against the emulator over HTTP; `load` is held open by the
 * test to stand for the chunk still downloading.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkConnection, deferUpload } from '../src/core/deferred-upload.js';
import { createQueue } from '../src/core/queue.js';
import { bindUpload, createInlineHasher, type UploadFunction } from '../src/engine.js';
import { ClientErrorCode, VodArgumentError, VodError } from '../src/index.js';
import type { UploadState } from '../src/index.js';
import { bytesOf, DEV_CREDENTIALS, randomFile, sha1Of, startEmulator, type RunningEmulator } from './helpers/upload-stack.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(() => emu.close());
beforeEach(() => emu.emulator.log.clear());

const engine = bindUpload({ createHasher: () => createInlineHasher() });

/** An engine load the test releases, counting how often it was asked for. */
function heldEngine(): { load: () => Promise<UploadFunction>; release: () => void; loads: number; uploads: number } {
  let release!: () => void;
  const loaded = new Promise<void>((resolve) => (release = resolve));
  const held = {
    loads: 0,
    uploads: 0,
    release: () => release(),
    load: async (): Promise<UploadFunction> => {
      held.loads += 1;
      await loaded;
      return (source, options) => {
        held.uploads += 1;
        return engine.upload(source, options);
      };
    },
  };
  return held;
}

const requests = (): number => emu.emulator.log.count();

async function served(url: string, file: Blob): Promise<void> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(sha1Of(Buffer.from(await response.arrayBuffer()))).toBe(sha1Of(await bytesOf(file)));
}

describe('an upload whose engine is still loading', () => {
  it('returns its handle at once; listeners given meanwhile see the real upload, which lands byte-exact', async () => {
    const held = heldEngine();
    const file = randomFile(1_300_000);
    const handle = deferUpload(held.load, file, { endpoint: emu.endpoint, ...DEV_CREDENTIALS, partSize: 524288 });
    const states: UploadState[] = [];
    const phases = new Set<string>();
    handle.on('state', (state) => states.push(state));
    handle.on('progress', (progress) => phases.add(progress.phase));
    expect(handle.state).toBe('running');
    expect(held.uploads).toBe(0);
    held.release();
    const result = await handle.done;
    expect(result).toMatchObject({ kind: 'new', partsSent: 3, size: file.size });
    expect(emu.emulator.log.count('UploadPart', 0)).toBe(3);
    expect(states).toEqual(['done']);
    expect(phases.has('uploading')).toBe(true);
    expect(handle.state).toBe('done');
    await served(result.url, file);
  });

  it('pause() before the engine loads holds the upload until resume(); nothing is sent meanwhile', async () => {
    const held = heldEngine();
    const handle = deferUpload(held.load, randomFile(600_000), { endpoint: emu.endpoint, ...DEV_CREDENTIALS });
    const states: UploadState[] = [];
    handle.on('state', (state) => states.push(state));
    handle.pause();
    expect(handle.state).toBe('paused');
    held.release();
    await vi.waitFor(() => expect(held.uploads).toBe(1), { timeout: 5000, interval: 10 });
    // The real upload exists now: it was paused as soon as it was made.
    expect(handle.state).toBe('paused');
    expect(emu.emulator.log.count('UploadPart')).toBe(0);
    handle.resume();
    const result = await handle.done;
    expect(result.kind).toBe('new');
    expect(states[0]).toBe('paused');
    // The real upload's own 'paused' is not told again.
    expect(states.filter((state) => state === 'paused')).toEqual(['paused']);
    expect(states.at(-1)).toBe('done');
  });

  it('abort() before the engine loads rejects done with ABORTED at once, and the engine never uploads', async () => {
    const held = heldEngine();
    const handle = deferUpload(held.load, randomFile(1000), { endpoint: emu.endpoint, ...DEV_CREDENTIALS });
    handle.abort('user left');
    await expect(handle.done).rejects.toMatchObject({ code: ClientErrorCode.Aborted, cause: 'user left' });
    expect(handle.state).toBe('aborted');
    held.release();
    await held.load();
    expect(held.uploads).toBe(0);
    expect(requests()).toBe(0);
  });

  it('a chunk that cannot load rejects done with an UNEXPECTED VodError that says so', async () => {
    const handle = deferUpload(() => Promise.reject(new TypeError('Failed to fetch dynamically imported module')), randomFile(10), {
      endpoint: emu.endpoint,
      ...DEV_CREDENTIALS,
    });
    const error = await handle.done.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(VodError);
    expect(error).toMatchObject({ code: ClientErrorCode.Unexpected });
    expect((error as Error).message).toContain('could not be loaded: Failed to fetch');
    expect(handle.state).toBe('failed');
  });
});

describe('bad input to a deferred upload', () => {
  it.each([
    ['no options', () => deferUpload(heldEngine().load, randomFile(1), undefined as never), 'options'],
    ['no source', () => deferUpload(heldEngine().load, undefined as never, { endpoint: emu.endpoint, ...DEV_CREDENTIALS }), 'source'],
    ['nothing to sign with', () => deferUpload(heldEngine().load, randomFile(1), { endpoint: emu.endpoint }), 'signer'],
    ['a signer without sign()', () => deferUpload(heldEngine().load, randomFile(1), { signer: {} as never }), 'signer'],
    ['an empty endpoint', () => deferUpload(heldEngine().load, randomFile(1), { endpoint: '', ...DEV_CREDENTIALS }), 'endpoint'],
  ])('%s throws at the call, naming the parameter', (_name, call, parameter) => {
    expect(call).toThrow(VodArgumentError);
    expect(call).toThrow(expect.objectContaining({ parameter }));
  });

  it.each([
    ['partSize', { partSize: 1000 }],
    ['concurrency', { concurrency: 0 }],
    ['tags', { tags: 'not a list' }],
  ])('a bad %s rejects done with the engine’s VodArgumentError; nothing is sent', async (parameter, bad) => {
    const held = heldEngine();
    held.release();
    const handle = deferUpload(held.load, randomFile(1000), { endpoint: emu.endpoint, ...DEV_CREDENTIALS, ...(bad as object) });
    const error = await handle.done.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(VodArgumentError);
    expect((error as VodArgumentError).parameter).toBe(parameter);
    expect(handle.state).toBe('failed');
    expect(requests()).toBe(0);
  });
});

describe('a queue whose files start deferred uploads (the browser entry’s createUploadQueue)', () => {
  it('uploads every file through the one engine load; its own options are checked at once', async () => {
    const held = heldEngine();
    const options = { endpoint: emu.endpoint, ...DEV_CREDENTIALS, files: 2 };
    checkConnection(options);
    expect(() => checkConnection({ endpoint: emu.endpoint })).toThrow(expect.objectContaining({ parameter: 'signer' }));
    const load = (() => {
      let once: Promise<UploadFunction> | undefined;
      return () => (once ??= held.load());
    })();
    const queue = createQueue<Blob>(options as never, (source, fileOptions) => deferUpload(load, source, fileOptions as never));
    expect(() => createQueue<Blob>({ files: 0 } as never, () => undefined as never)).toThrow(VodArgumentError);
    const files = [randomFile(300_000, 'a.mp4'), randomFile(200_000, 'b.mp4'), randomFile(100_000, 'c.mp4')];
    const settled = queue.addAll(files);
    held.release();
    const results = await settled;
    expect(results.map((entry) => entry.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(held.loads).toBe(1);
    expect(held.uploads).toBe(3);
    expect(emu.emulator.log.count('FinishUpload', 0)).toBe(3);
    for (const [i, entry] of results.entries()) if (entry.status === 'fulfilled') await served(entry.result.url, files[i]!);
  });
});

describe('the deferred handle and its checks, engine aside', () => {
  const signer = { sign: async () => ({ signature: '' }) } as never;
  const never = (): Promise<UploadFunction> => new Promise(() => {});

  it('checkConnection: a client, a signer or both secrets; a signer with sign(); an endpoint that is a non-empty string', () => {
    expect(() => checkConnection({ client: {} as never })).not.toThrow();
    expect(() => checkConnection({ signer })).not.toThrow();
    expect(() => checkConnection({ secretId: 'id', secretKey: 'key' })).not.toThrow();
    for (const half of [{ secretId: 'id' }, { secretKey: 'key' }])
      expect(() => checkConnection(half)).toThrow(/^Invalid signer: expected a Signer, or secretId and secretKey \(server-side only\)$/);
    expect(() => checkConnection({ signer: { sign: 5 } as never })).toThrow(
      /^Invalid signer: expected a Signer \(an object with sign\(\)\)/,
    );
    expect(() => checkConnection({ signer, endpoint: 5 as never })).toThrow(
      /^Invalid endpoint: expected the service URL, e\.g\. https:\/\/vod2\.qcloud\.com\/v2\/index\.php, got 5/,
    );
  });

  it('a source may be a path (a string); options must be an object', () => {
    expect(() => deferUpload(never, '/videos/a.mp4' as never, { signer })).not.toThrow();
    expect(() => deferUpload(never, 5 as never, { signer })).toThrow(/^Invalid source: expected a File or Blob, got 5/);
    expect(() => deferUpload(never, randomFile(1), 'options' as never)).toThrow(
      /^Invalid options: expected an object with endpoint and signer/,
    );
  });

  it('pause, resume and abort before the engine loads: each state change told once, abort once', async () => {
    const handle = deferUpload(never, randomFile(1), { signer });
    const states: UploadState[] = [];
    handle.on('state', (state) => states.push(state));
    handle.resume();
    handle.pause();
    handle.pause();
    expect(handle.state).toBe('paused');
    handle.resume();
    handle.resume();
    handle.abort();
    handle.abort();
    handle.pause();
    handle.resume();
    expect(states).toEqual(['paused', 'running', 'aborted']);
    await expect(handle.done).rejects.toMatchObject({ code: ClientErrorCode.Aborted, message: 'The upload was aborted' });
    const reason = new VodError({ code: ClientErrorCode.Aborted, message: 'user left', canRetry: false });
    const other = deferUpload(never, randomFile(1), { signer });
    other.abort(reason);
    await expect(other.done).rejects.toBe(reason);
  });

  it('an engine that throws at the call: aborted for ABORTED, failed for anything else', async () => {
    const throwing = (error: unknown) => async (): Promise<UploadFunction> => () => {
      throw error;
    };
    const abortedError = new VodError({ code: ClientErrorCode.Aborted, message: 'no', canRetry: false });
    const stopped = deferUpload(throwing(abortedError), randomFile(1), { signer });
    await expect(stopped.done).rejects.toBe(abortedError);
    expect(stopped.state).toBe('aborted');
    const failed = deferUpload(throwing(new VodArgumentError('partSize', 'a size')), randomFile(1), { signer });
    await expect(failed.done).rejects.toThrow(VodArgumentError);
    expect(failed.state).toBe('failed');
  });
});

describe('once the engine made the upload', () => {
  it('pause, resume and abort go to the real upload, its events pass through, and its state is the handle’s', async () => {
    const calls: string[] = [];
    const listeners = new Map<string, (payload: unknown) => void>();
    let settle!: (value: unknown) => void;
    const real = {
      state: 'running' as UploadState,
      done: new Promise((resolve) => (settle = resolve)),
      pause: () => void calls.push('pause'),
      resume: () => void calls.push('resume'),
      abort: (reason?: unknown) => void calls.push(`abort ${String(reason)}`),
      on: (event: string, listener: (payload: unknown) => void) => {
        listeners.set(event, listener);
        return () => {};
      },
    };
    let made!: () => void;
    const madeIt = new Promise<void>((resolve) => (made = resolve));
    const signer = { sign: async () => ({ signature: '' }) } as never;
    const handle = deferUpload(async () => () => (made(), real as never), randomFile(1), { signer });
    await madeIt;
    handle.pause();
    handle.resume();
    handle.abort('stop');
    expect(calls).toEqual(['pause', 'resume', 'abort stop']);
    real.state = 'paused';
    expect(handle.state).toBe('paused');
    const progress: unknown[] = [];
    handle.on('progress', (event) => progress.push(event));
    listeners.get('progress')?.({ percent: 5 });
    expect(progress).toEqual([{ percent: 5 }]);
    settle('result');
    await expect(handle.done).resolves.toBe('result');
  });
});
