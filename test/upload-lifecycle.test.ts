/**
 * An upload's life at its edges, each case once a real failure: abort after pause/resume wins,
 * nameless Blobs keep their own checkpoints, abort never waits on signing-ahead or on another
 * upload's slot, bad options are refused before hashing, and a source that cannot be read ends
 * in a VodError.
 */
import { describe, expect, it } from 'vitest';
import { createLimiter, createMemoryCheckpointStore, uploadWithClient as upload, VodArgumentError, VodError } from '../src/engine.js';
import {
  bytesOf,
  countingHasher,
  makeClient,
  randomFile,
  settle,
  sha1Of,
  within,
  useSharedEmulator,
  type RunningEmulator,
} from './helpers/upload-stack.js';

const MiB = 1048576;
let emu: RunningEmulator;
useSharedEmulator((running) => (emu = running));

describe('upload(): abort, checkpoints and failures at the edges', () => {
  it('pause(), resume(), abort() in a row ends aborted: the upload does not finish after the caller aborted', async () => {
    // Parts never get an answer: an upload that went on after the abort would keep one open.
    emu.emulator.faults.add({ action: 'UploadPart', kind: 'hang', times: 100 });
    const handle = upload(randomFile(3 * MiB, 'race.mp4'), { client: makeClient(emu), hasher: countingHasher(), concurrency: 1 });
    await new Promise<void>((resolve) => handle.on('progress', (p) => p.phase === 'uploading' && resolve()));
    handle.pause();
    handle.resume();
    handle.abort();
    await expect(handle.done).rejects.toMatchObject({ code: 'ABORTED' });
    expect(handle.state).toBe('aborted');
    await settle(emu);
    expect(emu.emulator.log.count('UploadPart', 0)).toBe(0);
    expect(emu.emulator.log.count('FinishUpload')).toBe(0);
  });

  it('two nameless Blobs of one size never share a checkpoint', async () => {
    const checkpoints = createMemoryCheckpointStore();
    const a = new Blob([randomFile(MiB + 10)]);
    const b = new Blob([randomFile(MiB + 10)]);
    emu.emulator.faults.add({ action: 'FinishUpload', kind: 'answer', code: 5100, canRetry: 0 });
    await expect(upload(a, { client: makeClient(emu), hasher: countingHasher(), checkpoints, fileType: 'mp4' }).done).rejects.toMatchObject(
      { code: 5100 },
    );
    const hasher = countingHasher();
    const result = await upload(b, { client: makeClient(emu), hasher, checkpoints, fileType: 'mp4' }).done;
    expect(result.sha1).toBe(sha1Of(await bytesOf(b)));
    expect(hasher.bytes).toBe(b.size);
    expect(checkpoints.size).toBe(0);
  });

  it('abort does not wait for signing ahead that hangs', async () => {
    const client = { ...makeClient(emu), presignParts: () => new Promise<void>(() => undefined) };
    const handle = upload(randomFile(3 * MiB, 'presign.mp4'), { client, hasher: countingHasher() });
    await new Promise<void>((resolve) => handle.on('progress', (p) => p.phase === 'uploading' && resolve()));
    await new Promise((r) => setTimeout(r, 50));
    handle.abort();
    // Signing never ends: only an abort that does not wait for it settles at all.
    await expect(within(handle.done, 10_000, 'the abort waited for signing ahead')).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('abort does not wait for a slot held by another upload of a shared limiter', async () => {
    const limiter = createLimiter(1);
    // The first upload's part never gets an answer, so its slot is never given back.
    emu.emulator.faults.add({ action: 'UploadPart', kind: 'hang' });
    const first = upload(randomFile(MiB, 'slow.mp4'), { client: makeClient(emu), hasher: countingHasher(), limiter });
    const second = upload(randomFile(MiB, 'waiting.mp4'), { client: makeClient(emu), hasher: countingHasher(), limiter });
    await new Promise<void>((resolve) => second.on('progress', (p) => p.phase === 'uploading' && resolve()));
    await new Promise((r) => setTimeout(r, 100));
    second.abort();
    await expect(within(second.done, 10_000, 'the abort waited for the slot')).rejects.toMatchObject({ code: 'ABORTED' });
    first.abort();
    await first.done.catch(() => undefined);
  });

  it('bad InitUpload extras are refused at once, naming the option, before hashing', () => {
    const hasher = countingHasher();
    let error: unknown;
    try {
      upload(randomFile(10), { client: makeClient(emu), hasher, isTranscode: true as unknown as 1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VodArgumentError);
    expect(error).toMatchObject({ parameter: 'isTranscode' });
    expect((error as Error).message).not.toMatch(/expected Invalid input/);
    expect(() => upload(randomFile(10), { client: makeClient(emu), hasher, tags: ['x'.repeat(100)] })).toThrow(/tags\.0/);
    expect(hasher.jobs).toBe(0);
  });

  it('a source that cannot be read rejects done with a VodError (code SOURCE), keeping the cause', async () => {
    const source = {
      size: 100,
      name: 'gone.mp4',
      lastModified: 1,
      slice: () => new Blob([new Uint8Array(100)]),
      stream: () =>
        new ReadableStream<Uint8Array>({
          pull(controller) {
            controller.error(new DOMException('the file was removed', 'NotReadableError'));
          },
        }),
    };
    const error = await upload(source, { client: makeClient(emu), hasher: countingHasher() }).done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VodError);
    expect(error).toMatchObject({ code: 'SOURCE', canRetry: false });
    expect((error as VodError).cause).toBeInstanceOf(DOMException);
  });
});
