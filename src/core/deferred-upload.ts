/**
 * An upload handle that exists before the engine does. A page entry returns it at once and
 * imports the engine (client, schemas, checkpoints, retry) on the first `upload()` call, so an
 * app pays for those bytes when it uploads, not when it starts. Listeners, pause, resume and
 * abort given meanwhile are replayed on the real handle once it exists; its events and state
 * are passed through from then on.
 */
import { ClientErrorCode, VodArgumentError, VodError } from '../protocol/errors.js';
import type { ConnectionOptions, EasyUploadOptions, UploadFunction } from './bind-upload.js';
import { createEmitter } from '../util/emitter.js';
import type { UploadSource } from './source.js';
import type { UploadEvents, UploadHandle, UploadState } from './upload.js';

const EVENTS: readonly (keyof UploadEvents)[] = ['progress', 'retry', 'part', 'warning', 'state'];

/**
 * The checks a deferred `upload()` makes before returning, so the commonest mistakes still throw
 * at the call: no options, no source, nothing to sign with. Every other bad option is found by
 * the engine when it loads and rejects `done` with the same {@link VodArgumentError}.
 */
export function checkDeferredArguments(source: unknown, options: unknown): void {
  if (!options || typeof options !== 'object') throw new VodArgumentError('options', 'an object with endpoint and signer', options);
  if (!source || (typeof source !== 'object' && typeof source !== 'string')) throw new VodArgumentError('source', 'a File or Blob', source);
  checkConnection(options as ConnectionOptions);
}

/** Something to sign with, and an endpoint that is a non-empty string when given (the queue checks these when it is made). */
export function checkConnection(connection: ConnectionOptions): void {
  if (
    connection.client === undefined &&
    connection.signer === undefined &&
    (connection.secretId === undefined || connection.secretKey === undefined)
  ) {
    throw new VodArgumentError('signer', 'a Signer, or secretId and secretKey (server-side only)');
  }
  if (connection.signer !== undefined && typeof connection.signer?.sign !== 'function')
    throw new VodArgumentError('signer', 'a Signer (an object with sign())', connection.signer);
  if (connection.endpoint !== undefined && (typeof connection.endpoint !== 'string' || connection.endpoint === '')) {
    throw new VodArgumentError('endpoint', 'the service URL, e.g. https://vod2.qcloud.com/v2/index.php', connection.endpoint);
  }
}

/**
 * Starts an upload on the engine `load` resolves with, returning its handle at once. A failure
 * to load the engine (a chunk that cannot be fetched) rejects `done` with an `UNEXPECTED` error.
 */
export function deferUpload(load: () => Promise<UploadFunction>, source: UploadSource, options: EasyUploadOptions): UploadHandle {
  checkDeferredArguments(source, options);
  const emitter = createEmitter<UploadEvents>();
  let real: UploadHandle | undefined;
  let state: UploadState = 'running';
  let abortReason: { reason: unknown } | undefined;
  const setState = (next: UploadState): void => {
    if (next === state) return;
    state = next;
    emitter.emit('state', next);
  };

  let rejectAtOnce!: (error: unknown) => void;
  const abortedMeanwhile = new Promise<never>((_, reject) => (rejectAtOnce = reject));
  const started = load().then(
    (uploadWith) => {
      if (abortReason) throw aborted(abortReason.reason);
      let handle: UploadHandle;
      try {
        handle = uploadWith(source, options);
      } catch (error) {
        setState(error instanceof VodError && error.code === ClientErrorCode.Aborted ? 'aborted' : 'failed');
        throw error;
      }
      real = handle;
      for (const event of EVENTS) {
        handle.on(event, (payload) => (event === 'state' ? setState(payload as UploadState) : emitter.emit(event, payload as never)));
      }
      if (state === 'paused') handle.pause();
      return handle.done;
    },
    (error: unknown) => {
      if (abortReason) throw aborted(abortReason.reason);
      setState('failed');
      throw new VodError({
        code: ClientErrorCode.Unexpected,
        message: `the upload engine could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
        canRetry: true,
        cause: error,
      });
    },
  );
  const done = Promise.race([abortedMeanwhile, started]);
  // Like the engine's handle: a rejection nobody awaits is not reported as unhandled.
  done.catch(() => undefined);

  return {
    done,
    get state() {
      return real ? real.state : state;
    },
    pause() {
      if (real) real.pause();
      else if (state === 'running') setState('paused');
    },
    resume() {
      if (real) real.resume();
      else if (state === 'paused') setState('running');
    },
    abort(reason) {
      if (real) return real.abort(reason);
      if (state === 'aborted') return;
      abortReason = { reason };
      setState('aborted');
      rejectAtOnce(aborted(reason));
    },
    on: (event, listener) => emitter.on(event, listener),
  };
}

function aborted(reason: unknown): VodError {
  return reason instanceof VodError
    ? reason
    : new VodError({ code: ClientErrorCode.Aborted, message: 'The upload was aborted', canRetry: false, cause: reason });
}
