/** The upload queue's public shapes: its options, its files, its events and its handle. */
import type { ConcurrencySetting } from '../util/concurrency.js';
import type { Listener } from '../util/emitter.js';
import type { QueueProgress } from './queue-progress.js';
import type { UploadResult } from './run-upload.js';
import type { UploadProgress } from './progress-types.js';
import type { UploadSource } from './source.js';
import type { UploadHandle, UploadOptions, UploadState } from './upload.js';

/**
 * `S` is the kind of source the queue takes; it defaults to Blob (files in browsers, Node and Bun)
 * and is `UploadSource` where lazily read {@link FileSource}s are queued (Deno).
 */
export interface UploadQueueOptions<S extends UploadSource = Blob>
  extends Partial<Omit<UploadOptions, 'limiter' | 'signal' | 'onProgress'>> {
  /**
   * Parts in flight across all files: a number bounds them all together (and each file's
   * `'auto'` stays within it); `'auto'` (the default) bounds them at 32 and lets each file follow
   * its link (see `UploadOptions.concurrency`).
   */
  concurrency?: ConcurrencySetting;
  /** Files uploading (or hashing) at once. Default 2. */
  files?: number;
  /** Aborts every upload of the queue, like {@link UploadQueue.cancelAll}, and every one added later. */
  signal?: AbortSignal;
  /** Called when a file starts, with its handle (for progress, pause, …). Same as the `file-started` event. */
  onStart?: (handle: UploadHandle, source: S) => void;
}

/** One file's outcome. */
export type QueueEntryResult<S extends UploadSource = Blob> =
  | {
      /** The file as added. */
      source: S;
      /** It was uploaded. */
      status: 'fulfilled';
      /** What {@link UploadHandle.done} resolved with. */
      result: UploadResult;
    }
  | {
      /** The file as added. */
      source: S;
      /** It was refused, failed or was cancelled. */
      status: 'rejected';
      /** A {@link VodError} (a {@link VodRestrictionError} for a refused file, `ABORTED` after a cancel). */
      error: unknown;
    };

/** Where a file of the queue is. */
export type QueueFileStatus = 'waiting' | UploadState;

/** A file of the queue, as events and {@link UploadQueue.files} show it. */
export interface QueueFile<S extends UploadSource = Blob> {
  /** 1, 2, … in the order files were added. */
  readonly id: number;
  /** The file as added. */
  readonly source: S;
  /** Its size in bytes. */
  readonly size: number;
  /** `waiting` until it gets a slot, then the state of its upload. */
  readonly status: QueueFileStatus;
  /** The upload's handle, once started. */
  readonly handle: UploadHandle | undefined;
}

/** What the whole queue is doing. */
export type QueueState = 'idle' | 'running' | 'paused';

/**
 * Events of a queue, in a fixed order. For each file: `file-added` (in the order of `add`), then
 * `file-started`, then any number of `file-progress` and `file-state`, then exactly one of
 * `file-done` or `file-failed`; a file refused by `restrictions` or cancelled before it started
 * has only `file-added` and `file-failed`. Every file event is followed by one `progress` event
 * with the queue's totals. `state` is emitted when the queue's state changes: `running` before
 * the first `file-started`, `paused` on pauseAll(), `idle` after the last file's `progress`.
 */
export type UploadQueueEvents<S extends UploadSource = Blob> = {
  /** A file entered the queue. */
  'file-added': { file: QueueFile<S> };
  /** A file got a slot: its upload began. */
  'file-started': { file: QueueFile<S>; handle: UploadHandle };
  /** A running file's progress (throttled per file, like {@link UploadHandle} `progress`). */
  'file-progress': { file: QueueFile<S>; progress: UploadProgress };
  /** A started file's upload changed state (paused, running, …). */
  'file-state': { file: QueueFile<S>; state: UploadState };
  /** A file was uploaded. */
  'file-done': { file: QueueFile<S>; result: UploadResult };
  /** A file was refused, failed, or was cancelled. */
  'file-failed': { file: QueueFile<S>; error: unknown };
  /** The queue's totals, after each file event. */
  progress: QueueProgress;
  /** The queue's state changed. */
  state: QueueState;
};

/** An upload queue; see {@link createUploadQueue}. */
export interface UploadQueue<S extends UploadSource = Blob> {
  /**
   * Queues a file (also while the queue runs or is paused); the promise settles with its own
   * result. Per-file options override the queue's. A file that breaks `restrictions` is refused
   * here, before any byte of it is read: the promise rejects with a {@link VodRestrictionError}.
   */
  add(source: S, options?: Partial<UploadOptions>): Promise<UploadResult>;
  /** Queues several files, in order; resolves with their results once all of them settled (never rejects). */
  addAll(sources: Iterable<S>, options?: Partial<UploadOptions>): Promise<QueueEntryResult<S>[]>;
  /** Waits until every file added so far has settled; one result per file, in the order added. */
  settled(): Promise<QueueEntryResult<S>[]>;
  /**
   * Pauses every running upload (its parts in flight are cancelled) and starts no waiting file
   * until {@link UploadQueue.resumeAll}. Files added meanwhile wait too.
   */
  pauseAll(): void;
  /** Resumes every paused upload (each sends only what the service lacks) and starts waiting files again. */
  resumeAll(): void;
  /**
   * Aborts every file added so far, running, paused or waiting: each settles with an `ABORTED`
   * error. The queue stays usable (and unpaused) for files added later.
   */
  cancelAll(reason?: unknown): void;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends keyof UploadQueueEvents<S>>(event: E, listener: Listener<UploadQueueEvents<S>[E]>): () => void;
  /** The queue's state now. */
  readonly state: QueueState;
  /** The queue's totals now. */
  readonly progress: QueueProgress;
  /** Every file added, in order. */
  readonly files: readonly QueueFile<S>[];
  /** Files waiting to start. */
  readonly pending: number;
  /** Files started and not settled. */
  readonly running: number;
}
