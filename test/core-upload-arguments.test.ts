/**
 * The core `upload()` (src/core/upload.ts) checks its own options, whoever calls it: the runtime
 * adapters check some first (upload-arguments.test.ts), but `bindUpload` and custom engines reach
 * it directly. Each bad option is a VodArgumentError naming it, thrown before anything is sent.
 */
import { describe, expect, it } from 'vitest';
import { upload } from '../src/core/upload.js';
import type { UploadOptions } from '../src/core/upload-types.js';
import { ClientErrorCode, VodError } from '../src/protocol/index.js';
import { thrownArgumentError } from './helpers/thrown.js';

/** A client whose every call fails the test: nothing may be sent. */
const client = {
  initUpload: () => {
    throw new Error('nothing may be sent');
  },
} as unknown as UploadOptions['client'];
const hasher = {
  hash: () => {
    throw new Error('nothing may be hashed');
  },
} as unknown as UploadOptions['hasher'];
const source = new File([new Uint8Array(10)], 'clip.mp4');

const refusal = (options: unknown): string => thrownArgumentError(() => upload(source, options as UploadOptions)).message;

describe('core upload() options', () => {
  it.each([
    [null, 'options'],
    ['x', 'options'],
    [{ hasher }, 'client'],
    [{ client: {}, hasher }, 'client'],
    [{ client }, 'hasher'],
    [{ client, hasher: {} }, 'hasher'],
    [{ client, hasher, maxInFlightBytes: 0 }, 'maxInFlightBytes'],
    [{ client, hasher, maxInFlightBytes: 1.5 }, 'maxInFlightBytes'],
    [{ client, hasher, maxInFlightBytes: '1' }, 'maxInFlightBytes'],
    [{ client, hasher, signal: {} }, 'signal'],
    [{ client, hasher, shouldRetry: true }, 'shouldRetry'],
    [{ client, hasher, beforeRequest: 'x' }, 'beforeRequest'],
    [{ client, hasher, checkpointMaxAgeMs: -1 }, 'checkpointMaxAgeMs'],
    [{ client, hasher, checkpointMaxAgeMs: '5' }, 'checkpointMaxAgeMs'],
  ])('%j is refused, naming %s', (options, parameter) => {
    expect(refusal(options)).toContain(`Invalid ${parameter}:`);
  });

  it('the edges are taken: 1 byte in flight, checkpointMaxAgeMs 0, hooks as functions', () => {
    const handle = upload(source, {
      client,
      hasher,
      maxInFlightBytes: 1,
      checkpointMaxAgeMs: 0,
      shouldRetry: () => false,
      beforeRequest: () => undefined,
    } as unknown as UploadOptions);
    handle.abort();
    return expect(handle.done).rejects.toMatchObject({ code: ClientErrorCode.Aborted });
  });

  it('an already aborted signal is an ABORTED VodError at once, carrying the reason; nothing is sent', () => {
    const controller = new AbortController();
    const reason = new Error('user left');
    controller.abort(reason);
    let error: unknown;
    try {
      upload(source, { client, hasher, signal: controller.signal } as unknown as UploadOptions);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(VodError);
    expect(error).toMatchObject({
      code: ClientErrorCode.Aborted,
      canRetry: false,
      message: 'The signal was already aborted; nothing was sent',
    });
    expect((error as VodError).cause).toBe(reason);
  });
});
