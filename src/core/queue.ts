/**
 * Many uploads at once: a bound on files in progress, one bound on parts in flight across all
 * of them, and a result per file — one file's failure never stops the others.
 */
import { checkConcurrency, createLimiter } from './concurrency.js';
import type { UploadResult } from './run-upload.js';
import { upload, type UploadHandle, type UploadOptions } from './upload.js';
import type { UploadSource } from './source.js';

/**
 * `S` is the kind of source the queue takes; it defaults to Blob (files in browsers, Node and Bun)
 * and is `UploadSource` where lazily read {@link FileSource}s are queued (Deno).
 */
export interface UploadQueueOptions<S extends UploadSource = Blob> extends Partial<Omit<UploadOptions, 'limiter' | 'signal' | 'onProgress'>> {
  /** Parts in flight across all files. Default 4. */
  concurrency?: number;
  /** Files uploading (or hashing) at once. Default 2. */
  files?: number;
  /** Aborts every upload of the queue. */
  signal?: AbortSignal;
  /** Called when a file starts, with its handle (for progress, pause, …). */
  onStart?: (handle: UploadHandle, source: S) => void;
}

/** One file's outcome. */
export type QueueEntryResult<S extends UploadSource = Blob> =
  | { source: S; status: 'fulfilled'; result: UploadResult }
  | { source: S; status: 'rejected'; error: unknown };

export interface UploadQueue<S extends UploadSource = Blob> {
  /** Queues a file; the promise settles with its own result. Per-file options override the queue's. */
  add(source: S, options?: Partial<UploadOptions>): Promise<UploadResult>;
  /** Waits until every file added so far has settled; one result per file, in the order added. */
  settled(): Promise<QueueEntryResult<S>[]>;
  /** Files waiting to start, and files running. */
  readonly pending: number;
  readonly running: number;
}

/**
 * Creates a queue. Options given here are defaults for every file (`client`, `hasher`, …).
 *
 * @example
 * const queue = createUploadQueue({ client, hasher, concurrency: 8, files: 3 });
 * for (const file of files) queue.add(file).catch(() => {});
 * const results = await queue.settled();
 */
export function createUploadQueue<S extends UploadSource = Blob>(options: UploadQueueOptions<S> = {}): UploadQueue<S> {
  const { files: fileBound = 2, onStart, signal, concurrency: partBound = 4, ...defaults } = options;
  const parts = createLimiter(checkConcurrency(partBound));
  const fileSlots = createLimiter(checkConcurrency(fileBound));
  const entries: Promise<QueueEntryResult<S>>[] = [];
  let running = 0;

  return {
    add(source, fileOptions = {}) {
      const done = fileSlots.run(async () => {
        running += 1;
        try {
          const merged = { ...defaults, ...fileOptions } as UploadOptions;
          const handle = upload(source, {
            ...merged,
            concurrency: Math.min(merged.concurrency ?? partBound, partBound),
            limiter: parts,
            ...(signal ? { signal } : {}),
          });
          onStart?.(handle, source);
          return await handle.done;
        } finally {
          running -= 1;
        }
      }, signal);
      entries.push(
        done.then(
          (result): QueueEntryResult<S> => ({ source, status: 'fulfilled', result }),
          (error: unknown): QueueEntryResult<S> => ({ source, status: 'rejected', error }),
        ),
      );
      return done;
    },
    settled: () => Promise.all(entries),
    get pending() {
      return fileSlots.pendingCount;
    },
    get running() {
      return running;
    },
  };
}
