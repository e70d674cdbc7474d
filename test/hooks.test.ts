/**
 * Upload hooks against the emulator over real HTTP: `shouldRetry` vetoes and extends retries
 * (attempts counted at the emulator), `beforeRequest` headers arrive at the emulator and cannot
 * touch signing, and the `part` event reports every part once with its MD5, attempt and time.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ErrorCode, isRetryable, uploadWithClient as upload, VodError, type OutgoingRequest, type PartDone } from '../src/engine.js';
import {
  bytesOf,
  countingHasher,
  settle,
  makeClient,
  randomFile,
  useSharedEmulator,
  type RunningEmulator,
} from './helpers/upload-stack.js';

const MiB = 1048576;
let emu: RunningEmulator;
useSharedEmulator((running) => (emu = running));

const fast = { baseDelayMs: 1, retries: 5 };
const attemptsAt = (offset: number): number =>
  emu.emulator.log.entries().filter((entry) => entry.action === 'UploadPart' && entry.offset === offset).length;

describe('shouldRetry', () => {
  it('vetoes: a retryable part failure is not retried when the hook says false', async () => {
    emu.emulator.faults.add({ action: 'UploadPart', offset: MiB, kind: 'answer', code: ErrorCode.BodyInvalid, canRetry: 1, times: 1 });
    const asked: [number, unknown][] = [];
    const handle = upload(randomFile(2 * MiB), {
      client: makeClient(emu),
      hasher: countingHasher(),
      retry: fast,
      shouldRetry: (error, attempt) => {
        asked.push([attempt, (error as VodError).code]);
        return false;
      },
    });
    await expect(handle.done).rejects.toMatchObject({ code: ErrorCode.BodyInvalid, action: 'UploadPart' });
    expect(asked).toEqual([[1, ErrorCode.BodyInvalid]]);
    expect(isRetryable(new VodError({ code: ErrorCode.BodyInvalid, message: '', canRetry: true }))).toBe(true);
    await settle(emu);
    expect(attemptsAt(MiB)).toBe(1);
    expect(emu.emulator.log.count('FinishUpload')).toBe(0);
  });

  it('extends: an error the library would not retry is retried (async hook) and the upload completes', async () => {
    emu.emulator.faults.add({ action: 'UploadPart', offset: 0, kind: 'answer', code: ErrorCode.AccessDenied, canRetry: 0, times: 2 });
    const asked: number[] = [];
    const file = randomFile(MiB + 100);
    const result = await upload(file, {
      client: makeClient(emu),
      hasher: countingHasher(),
      retry: fast,
      shouldRetry: async (error, attempt) => {
        asked.push(attempt);
        await Promise.resolve();
        return isRetryable(error) || (error instanceof VodError && error.code === ErrorCode.AccessDenied && attempt < 3);
      },
    }).done;
    expect(asked).toEqual([1, 2]);
    expect(attemptsAt(0)).toBe(3);
    expect(emu.emulator.log.count('UploadPart', ErrorCode.AccessDenied)).toBe(2);
    expect(result.partsSent).toBe(2);
  });

  it('without the hook the same answer is not retried (the default the hook extends)', async () => {
    emu.emulator.faults.add({ action: 'UploadPart', offset: 0, kind: 'answer', code: ErrorCode.AccessDenied, canRetry: 0, times: 2 });
    await expect(
      upload(randomFile(MiB + 100), { client: makeClient(emu), hasher: countingHasher(), retry: fast }).done,
    ).rejects.toMatchObject({ code: ErrorCode.AccessDenied });
    await settle(emu);
    expect(attemptsAt(0)).toBe(1);
  });

  it('applies to InitUpload and FinishUpload too, and stays within the retry budget', async () => {
    emu.emulator.faults.add({ action: 'InitUpload', kind: 'answer', code: ErrorCode.AccessDenied, canRetry: 0, times: 10 });
    const handle = upload(randomFile(100), {
      client: makeClient(emu),
      hasher: countingHasher(),
      retry: { baseDelayMs: 1, retries: 2 },
      shouldRetry: () => true,
    });
    await expect(handle.done).rejects.toMatchObject({ code: ErrorCode.AccessDenied, action: 'InitUpload' });
    expect(emu.emulator.log.count('InitUpload')).toBe(3);
  });

  it('a hook that answers something else than a boolean is a clear error', async () => {
    emu.emulator.faults.add({ action: 'InitUpload', kind: 'answer', code: ErrorCode.Internal, canRetry: 1, times: 1 });
    const handle = upload(randomFile(100), {
      client: makeClient(emu),
      hasher: countingHasher(),
      retry: fast,
      shouldRetry: (() => 'yes') as never,
    });
    await expect(handle.done).rejects.toMatchObject({ parameter: 'shouldRetry' });
    expect(() => upload(randomFile(100), { client: makeClient(emu), hasher: countingHasher(), shouldRetry: 'always' as never })).toThrow(
      expect.objectContaining({ parameter: 'shouldRetry' }),
    );
  });
});

describe('beforeRequest', () => {
  it('headers it adds arrive at the emulator on every request, retries included; signing is untouched', async () => {
    emu.emulator.faults.add({ action: 'UploadPart', offset: MiB, kind: 'answer', code: ErrorCode.Internal, canRetry: 1, times: 1 });
    const seen: OutgoingRequest[] = [];
    let counter = 0;
    const result = await upload(randomFile(2 * MiB + 5), {
      client: makeClient(emu),
      hasher: countingHasher(),
      retry: fast,
      beforeRequest: async (request) => {
        seen.push(request);
        await Promise.resolve();
        request.headers.set('x-trace-id', `trace-${request.action}-${request.params.offset ?? '-'}-${++counter}`);
        // None of this reaches the wire: the parameters are a frozen copy, content-type is the library's.
        expect(() => ((request.params as Record<string, string>).Signature = 'forged')).toThrow(TypeError);
        request.headers.set('content-type', 'text/plain');
      },
    }).done;
    expect(result.partsSent).toBe(3);
    const entries = emu.emulator.log.entries();
    // Init, 3 parts + 1 retry, Finish: each with the id made for it, in the order the hook made them.
    expect(entries).toHaveLength(6);
    expect(seen).toHaveLength(6);
    expect(entries.every((entry) => entry.traceId?.startsWith(`trace-${entry.action}-${entry.offset ?? '-'}-`))).toBe(true);
    expect(new Set(entries.map((entry) => entry.traceId)).size).toBe(6);
    expect(entries.filter((entry) => entry.offset === MiB).map((entry) => entry.code)).toEqual([ErrorCode.Internal, 0]);
    expect(entries.filter((entry) => entry.code !== ErrorCode.Internal).every((entry) => entry.code === 0)).toBe(true);
    expect(seen.every((request) => request.url.includes('Signature=') && Object.isFrozen(request.params))).toBe(true);
  });

  it('a hook that throws fails the upload at once, with nothing sent', async () => {
    const handle = upload(randomFile(100), {
      client: makeClient(emu),
      hasher: countingHasher(),
      beforeRequest: () => {
        throw new Error('no token');
      },
    });
    await expect(handle.done).rejects.toMatchObject({ code: 'UNEXPECTED', message: expect.stringContaining('no token') });
    expect(emu.emulator.log.count()).toBe(0);
  });
});

describe('part event', () => {
  it('reports each part once, with its offset, size, MD5, the attempt that succeeded and its time', async () => {
    emu.emulator.faults.add({ action: 'UploadPart', offset: 2 * MiB, kind: 'answer', code: ErrorCode.Internal, canRetry: 1, times: 1 });
    emu.emulator.faults.add({ action: 'UploadPart', kind: 'delay', ms: 15, times: 100 });
    const file = randomFile(3 * MiB - 10);
    const bytes = await bytesOf(file);
    const parts: PartDone[] = [];
    const handle = upload(file, { client: makeClient(emu), hasher: countingHasher(), retry: fast });
    handle.on('part', (part) => parts.push(part));
    await handle.done;
    const byOffset = [...parts].sort((a, b) => a.offset - b.offset);
    expect(byOffset.map((part) => [part.offset, part.size, part.attempt])).toEqual([
      [0, MiB, 1],
      [MiB, MiB, 1],
      [2 * MiB, MiB - 10, 2],
    ]);
    for (const part of byOffset) {
      expect(part.md5).toBe(
        createHash('md5')
          .update(bytes.subarray(part.offset, part.offset + part.size))
          .digest('hex'),
      );
      expect(part.ms).toBeGreaterThanOrEqual(part.attempt === 1 ? 14 : 0);
    }
  });
});
