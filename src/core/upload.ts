/**
 * `upload(source, options)`: the public handle around one upload — `done`, pause/resume/abort,
 * an AbortSignal, and events. The protocol steps live in run-upload.ts; the public shapes in
 * upload-types.ts.
 */
import { ClientErrorCode, VodArgumentError, VodError } from '../protocol/errors.js';
import { initExtrasParams as initExtras } from '../protocol/schemas.js';
import { parseArgument } from '../protocol/validate.js';
import { checkpointKey } from './checkpoint.js';
import { checkConcurrencySetting, DEFAULT_MAX_IN_FLIGHT_BYTES } from '../util/concurrency.js';
import { createEmitter } from '../util/emitter.js';
import { createProgressTracker } from './progress.js';
import { checkRestrictions, validateRestrictions } from './restrictions.js';
import { resolveRetryPolicy } from '../util/retry.js';
import { runUpload, type InitExtras, type RunInput, type UploadResult } from './run-upload.js';
import { createQueue, type UploadQueue, type UploadQueueOptions } from './queue.js';
import { resolveSource, validatePartSize, type UploadSource } from './source.js';

export type { UploadEvents, UploadHandle, UploadOptions, UploadState } from './upload-types.js';
import type { UploadEvents, UploadHandle, UploadOptions, UploadState } from './upload-types.js';

const PAUSED = new VodError({ code: ClientErrorCode.Aborted, message: 'paused', canRetry: false });

/**
 * Uploads one file. Bad input, and a file that breaks `restrictions`, throw a
 * {@link VodArgumentError} at once, before any byte is read or any request is sent.
 *
 * @example
 * const handle = upload(file, { client, hasher });
 * handle.on('progress', (p) => console.log(p.phase, p.percent));
 * const { fileId, url } = await handle.done;
 */
export function upload(source: UploadSource, options: UploadOptions): UploadHandle {
  if (!options || typeof options !== 'object') throw new VodArgumentError('options', 'an object with client and hasher', options);
  if (typeof options.client?.initUpload !== 'function')
    throw new VodArgumentError('client', 'a VodClient (createVodClient)', options.client);
  if (typeof options.hasher?.hash !== 'function') throw new VodArgumentError('hasher', 'a Hasher', options.hasher);
  const resolved = resolveSource(source, options);
  if (options.restrictions !== undefined) checkRestrictions(resolved, validateRestrictions(options.restrictions));
  const partSize = validatePartSize(options.partSize ?? 1048576);
  const concurrency = checkConcurrencySetting(options.concurrency ?? 'auto');
  const maxInFlightBytes = options.maxInFlightBytes ?? DEFAULT_MAX_IN_FLIGHT_BYTES;
  if (typeof maxInFlightBytes !== 'number' || !Number.isSafeInteger(maxInFlightBytes) || maxInFlightBytes < 1) {
    throw new VodArgumentError('maxInFlightBytes', 'a whole number of bytes ≥ 1', maxInFlightBytes);
  }
  // Resolved once here: the run, its parts and their retries use this policy as it is.
  const retry = resolveRetryPolicy(options.retry ?? {});
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new VodArgumentError('signal', 'an AbortSignal', options.signal);
  }
  if (options.signal?.aborted) {
    throw new VodError({
      code: ClientErrorCode.Aborted,
      message: 'The signal was already aborted; nothing was sent',
      canRetry: false,
      cause: options.signal.reason,
    });
  }

  for (const hook of ['shouldRetry', 'beforeRequest'] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== 'function') throw new VodArgumentError(hook, 'a function', options[hook]);
  }
  const extras = parseArgument(initExtras, pickExtras(options), 'options');
  if (options.checkpointMaxAgeMs !== undefined && !(typeof options.checkpointMaxAgeMs === 'number' && options.checkpointMaxAgeMs >= 0)) {
    throw new VodArgumentError('checkpointMaxAgeMs', 'a number of ms ≥ 0', options.checkpointMaxAgeMs);
  }

  const emitter = createEmitter<UploadEvents>();
  if (options.onProgress) emitter.on('progress', options.onProgress);
  let state: UploadState = 'running';
  let controller = new AbortController();
  // The abort, once it happened: a run restarting after pause() must not outlive it.
  let aborted: VodError | undefined;
  // Set by pause(): resume() opens it, abort() breaks it.
  let gate: { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | undefined;
  const setState = (next: UploadState): void => {
    state = next;
    emitter.emit('state', next);
  };
  const progress = createProgressTracker({ totalBytes: resolved.size });
  progress.on('progress', (snapshot) => emitter.emit('progress', snapshot));
  const checkpoints = options.checkpoints === false ? undefined : options.checkpoints;

  const input: Omit<RunInput, 'checkpointKey'> = {
    source: resolved,
    client: options.client,
    hasher: options.hasher,
    partSize,
    concurrency,
    maxInFlightBytes,
    retry,
    extras,
    checkpoints,
    checkpointMaxAgeMs: options.checkpointMaxAgeMs,
    limiter: options.limiter,
    progress,
    onRetry: (what, event) => emitter.emit('retry', { ...event, what }),
    onWarning: (warning) => emitter.emit('warning', warning),
    hooks: {
      shouldRetry: options.shouldRetry,
      beforeRequest: options.beforeRequest,
      onPart: (part) => emitter.emit('part', part),
      onConcurrency: (decision) => emitter.emit('concurrency', decision),
    },
    memo: { hashedBytes: 0 },
  };

  const abortWith = (reason: unknown): void => {
    if (state === 'done' || state === 'failed' || state === 'aborted') return;
    const error =
      reason instanceof VodError
        ? reason
        : new VodError({ code: ClientErrorCode.Aborted, message: 'The upload was aborted', canRetry: false, cause: reason });
    aborted = error;
    setState('aborted');
    controller.abort(error);
    gate?.reject(error);
  };
  const onExternalAbort = (): void => abortWith(options.signal?.reason);
  options.signal?.addEventListener('abort', onExternalAbort, { once: true });

  // Without a name and a modification time, two different sources of one size would share a
  // checkpoint, and the second would be uploaded with the first one's hashes: no checkpoint then.
  const identified = resolved.name !== '' && resolved.lastModified > 0;
  const done = (async (): Promise<UploadResult> => {
    const key =
      checkpoints && identified
        ? await checkpointKey({
            name: resolved.name,
            size: resolved.size,
            lastModified: resolved.lastModified,
            endpoint: options.client.endpoint,
            secretId: options.secretId || '-',
            path: resolved.path,
          })
        : undefined;
    for (;;) {
      if (aborted) throw aborted;
      try {
        const result = await runUpload({ ...input, checkpointKey: key }, controller.signal);
        progress.done();
        setState('done');
        return result;
      } catch (error) {
        if (aborted) throw aborted;
        if (controller.signal.reason !== PAUSED || !gate) throw asVodError(error);
        // Paused: wait for resume() (or abort), then run again from InitUpload.
        await gate.promise;
        gate = undefined;
        controller = new AbortController();
      }
    }
  })();
  done.then(
    () => options.signal?.removeEventListener('abort', onExternalAbort),
    () => {
      options.signal?.removeEventListener('abort', onExternalAbort);
      progress.dispose();
      if (state === 'running') setState('failed');
    },
  );

  return {
    done,
    get state() {
      return state;
    },
    pause() {
      if (state !== 'running') return;
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      promise.catch(() => undefined);
      gate = { promise, resolve, reject };
      setState('paused');
      controller.abort(PAUSED);
    },
    resume() {
      if (state !== 'paused') return;
      setState('running');
      gate?.resolve();
    },
    abort: abortWith,
    on: (event, listener) => emitter.on(event, listener),
  };
}

/**
 * Creates an upload queue. Options given here are defaults for every file (`client`, `hasher`,
 * `restrictions`, …).
 *
 * @example
 * const queue = createUploadQueue({ client, hasher, concurrency: 8, files: 3, restrictions: { allowedTypes: ['video/*'] } });
 * queue.on('progress', (p) => bar.update(p.overallPercent));
 * const results = await queue.addAll(files);
 */
export function createUploadQueue<S extends UploadSource = Blob>(options: UploadQueueOptions<S> = {}): UploadQueue<S> {
  return createQueue(options, upload);
}

/**
 * `done` rejects with a VodError only: a failure outside the protocol (the file could not be
 * read, a bug) is wrapped, keeping the original as `cause`.
 */
function asVodError(error: unknown): VodError {
  if (error instanceof VodError) return error;
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  const unreadable = name === 'NotReadableError' || name === 'NotFoundError';
  return new VodError({
    code: unreadable ? ClientErrorCode.Source : ClientErrorCode.Unexpected,
    message: unreadable ? `The file could not be read: ${message}` : `The upload failed unexpectedly: ${message}`,
    canRetry: false,
    cause: error,
  });
}

function pickExtras(options: InitExtras): InitExtras {
  const extras: InitExtras = {};
  if (options.classId !== undefined) extras.classId = options.classId;
  if (options.isTranscode !== undefined) extras.isTranscode = options.isTranscode;
  if (options.isScreenshot !== undefined) extras.isScreenshot = options.isScreenshot;
  if (options.isWatermark !== undefined) extras.isWatermark = options.isWatermark;
  if (options.tags !== undefined) extras.tags = options.tags;
  return extras;
}
