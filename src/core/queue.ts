/**
 * Many uploads at once: a bound on files in progress, one bound on parts in flight across all
 * of them, a result per file (one file's failure never stops the others), and controls over the
 * whole queue: add while it runs, pause, resume and cancel all, one progress for all files.
 */
import { VodArgumentError } from '../protocol/errors.js';
import {
  AUTO_MAX_CONCURRENCY,
  checkConcurrency,
  checkConcurrencySetting,
  createLimiter,
  type ConcurrencySetting,
} from '../util/concurrency.js';
import { createEmitter } from '../util/emitter.js';
import { createQueueProgress } from './queue-progress.js';
import { findRestrictionFailure, validateRestrictions } from './restrictions.js';
import { abortError, raceAbort } from '../util/retry.js';
import type { UploadResult } from './run-upload.js';
import { resolveSource, type UploadSource } from './source.js';
import type { UploadHandle, UploadOptions } from './upload.js';
import type {
  QueueEntryResult,
  QueueFile,
  QueueFileStatus,
  QueueState,
  UploadQueue,
  UploadQueueEvents,
  UploadQueueOptions,
} from './queue-types.js';

export type {
  QueueEntryResult,
  QueueFile,
  QueueFileStatus,
  QueueState,
  UploadQueue,
  UploadQueueEvents,
  UploadQueueOptions,
} from './queue-types.js';

interface Entry<S extends UploadSource> extends QueueFile<S> {
  status: QueueFileStatus;
  handle: UploadHandle | undefined;
  /** Aborts the file while it waits (cancelAll). */
  controller: AbortController;
  /** Its `file-done` or `file-failed` was emitted. */
  settled: boolean;
}

/** How the queue starts one file's upload: the engine's `upload`, or a page's deferred one. */
export type StartUpload = (source: UploadSource, options: UploadOptions) => UploadHandle;

/**
 * The queue, starting each file with `startUpload` (this module does not import the engine, so
 * a page can queue files before the engine loads). Options given here are defaults for every
 * file; see `createUploadQueue` in upload.ts.
 */
export function createQueue<S extends UploadSource = Blob>(options: UploadQueueOptions<S>, startUpload: StartUpload): UploadQueue<S> {
  const { files: fileBound = 2, onStart, signal, concurrency: partSetting = 'auto', ...defaults } = options;
  const checkedSetting = checkConcurrencySetting(partSetting);
  const partBound = checkedSetting === 'auto' ? AUTO_MAX_CONCURRENCY : checkedSetting;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new VodArgumentError('signal', 'an AbortSignal', signal);
  const parts = createLimiter(partBound);
  const fileSlots = createLimiter(checkConcurrency(fileBound));
  const defaultRestrictions = defaults.restrictions === undefined ? undefined : validateRestrictions(defaults.restrictions);
  const emitter = createEmitter<UploadQueueEvents<S>>();
  const totals = createQueueProgress();
  const entries: Entry<S>[] = [];
  const results: Promise<QueueEntryResult<S>>[] = [];
  let paused = false;
  let state: QueueState = 'idle';
  let running = 0;
  let unsettled = 0;
  // Waiting files start only while this is open; pauseAll() closes it.
  let gate: { promise: Promise<void>; open: () => void } | undefined;

  const setState = (next: QueueState): void => {
    if (next === state) return;
    state = next;
    emitter.emit('state', next);
  };
  const fileEvent = <E extends Exclude<keyof UploadQueueEvents<S>, 'progress' | 'state'>>(
    event: E,
    payload: UploadQueueEvents<S>[E],
  ): void => {
    emitter.emit(event, payload);
    emitter.emit('progress', totals.snapshot());
  };
  const settle = (entry: Entry<S>, outcome: { result: UploadResult } | { error: unknown }): void => {
    if (entry.settled) return;
    entry.settled = true;
    entry.status = 'result' in outcome ? 'done' : entry.handle ? entry.handle.state : 'failed';
    unsettled -= 1;
    if ('result' in outcome) {
      totals.fileDone(entry.id);
      fileEvent('file-done', { file: entry, result: outcome.result });
    } else {
      totals.fileFailed(entry.id);
      fileEvent('file-failed', { file: entry, error: outcome.error });
    }
    if (unsettled === 0) setState('idle');
  };

  const start = async (entry: Entry<S>, fileOptions: Partial<UploadOptions>): Promise<UploadResult> => {
    while (gate) await raceAbort(gate.promise, entry.controller.signal);
    if (entry.controller.signal.aborted) throw abortError(entry.controller.signal);
    const merged = { ...defaults, ...fileOptions } as UploadOptions;
    const handle = startUpload(entry.source, {
      ...merged,
      // Checked when the file was added.
      restrictions: undefined,
      concurrency: fileConcurrency(merged.concurrency ?? checkedSetting, partBound),
      limiter: parts,
      signal: entry.controller.signal,
    });
    entry.handle = handle;
    entry.status = 'running';
    running += 1;
    setState(paused ? 'paused' : 'running');
    handle.on('progress', (progress) => {
      totals.fileProgress(entry.id, progress);
      fileEvent('file-progress', { file: entry, progress });
    });
    handle.on('state', (next) => {
      entry.status = next;
      fileEvent('file-state', { file: entry, state: next });
    });
    totals.fileStarted(entry.id);
    fileEvent('file-started', { file: entry, handle });
    onStart?.(handle, entry.source);
    // pauseAll() came while this file waited for its slot.
    if (paused) handle.pause();
    // Settled here, before the slot is released, so `file-done` comes before the next `file-started`.
    try {
      const result = await handle.done;
      running -= 1;
      settle(entry, { result });
      return result;
    } catch (error) {
      running -= 1;
      settle(entry, { error });
      throw error;
    }
  };

  const add = (source: S, fileOptions: Partial<UploadOptions> = {}): Promise<UploadResult> => {
    const controller = new AbortController();
    const entry: Entry<S> = {
      id: entries.length + 1,
      source,
      size: sizeOf(source),
      status: 'waiting',
      handle: undefined,
      controller,
      settled: false,
    };
    entries.push(entry);
    unsettled += 1;
    totals.fileAdded(entry.id, entry.size);
    fileEvent('file-added', { file: entry });
    if (signal?.aborted) controller.abort(signal.reason);
    const done = (async () => {
      // Nothing but `file-added` happens within add(): listeners added right after it see the rest.
      await Promise.resolve();
      const merged = { ...defaults, ...fileOptions };
      const restrictions = fileOptions.restrictions === undefined ? defaultRestrictions : validateRestrictions(fileOptions.restrictions);
      if (restrictions) {
        const resolved = resolveSource(source, merged);
        const failure = findRestrictionFailure({ ...resolved, mimeType: mimeOf(source) }, restrictions);
        if (failure) throw failure;
      }
      return fileSlots.run(() => start(entry, fileOptions), controller.signal);
    })();
    // Refused, or cancelled before it started (a started file settles in start()).
    done.catch((error: unknown) => settle(entry, { error }));
    results.push(
      done.then(
        (result): QueueEntryResult<S> => ({ source, status: 'fulfilled', result }),
        (error: unknown): QueueEntryResult<S> => ({ source, status: 'rejected', error }),
      ),
    );
    return done;
  };

  const cancelAll = (reason?: unknown): void => {
    const live = entries.filter((entry) => !entry.controller.signal.aborted);
    paused = false;
    gate?.open();
    gate = undefined;
    for (const entry of live) entry.controller.abort(reason);
  };
  signal?.addEventListener('abort', () => cancelAll(signal.reason), { once: true });

  return {
    add,
    addAll(sources, fileOptions) {
      const list = [...sources];
      const settledOnes = list.map((source) =>
        add(source, fileOptions).then(
          (result): QueueEntryResult<S> => ({ source, status: 'fulfilled', result }),
          (error: unknown): QueueEntryResult<S> => ({ source, status: 'rejected', error }),
        ),
      );
      return Promise.all(settledOnes);
    },
    settled: () => Promise.all(results),
    pauseAll() {
      if (paused) return;
      paused = true;
      let open!: () => void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      gate = { promise, open };
      if (unsettled > 0) setState('paused');
      for (const entry of entries) if (entry.handle?.state === 'running') entry.handle.pause();
    },
    resumeAll() {
      if (!paused) return;
      paused = false;
      const opening = gate;
      gate = undefined;
      if (unsettled > 0) setState('running');
      for (const entry of entries) if (entry.handle?.state === 'paused') entry.handle.resume();
      opening?.open();
    },
    cancelAll,
    on: (event, listener) => emitter.on(event, listener),
    get state() {
      return state;
    },
    get progress() {
      return totals.snapshot();
    },
    get files() {
      return entries.map(({ id, source, size, status, handle }) => ({ id, source, size, status, handle }));
    },
    get pending() {
      return unsettled - running;
    },
    get running() {
      return running;
    },
  };
}

function sizeOf(source: UploadSource): number {
  const size: unknown = (source as { size?: unknown } | null)?.size;
  return typeof size === 'number' && Number.isSafeInteger(size) && size > 0 ? size : 0;
}

function mimeOf(source: UploadSource): string | undefined {
  const type: unknown = (source as { type?: unknown }).type;
  return typeof type === 'string' ? type : undefined;
}

/** A file's setting under the queue's bound: `'auto'` stays (it reads the bound from the limiter), a number is cut to the bound. */
function fileConcurrency(setting: ConcurrencySetting, bound: number): ConcurrencySetting {
  return setting === 'auto' ? setting : Math.min(checkConcurrency(setting), bound);
}
