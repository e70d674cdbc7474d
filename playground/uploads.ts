/**
 * The playground's model: a list of uploads with a bound on how many run at once, each with its
 * progress, status and outcome. It knows nothing of the DOM; views subscribe to changes.
 */
import type { UploadHandle, UploadResult } from '../src/index.js';
import { createFileMeter } from '../src/cli/file-meter.js';
import { describeError } from './errors.js';

export type ItemStatus = 'queued' | 'hashing' | 'uploading' | 'finishing' | 'paused' | 'done' | 'failed' | 'cancelled';

/** One file of the list, as views see it. */
export interface UploadItem {
  readonly id: number;
  readonly name: string;
  readonly size: number;
  /** The file's MIME type as the browser guessed it (may be empty). */
  readonly type: string;
  readonly status: ItemStatus;
  readonly hashedBytes: number;
  /** One figure for the whole job (hashing and sending, weighted by their speeds): monotonic, 100 only once FinishUpload answered. */
  readonly overallPercent: number;
  /** Bytes the service holds. */
  readonly ackedBytes: number;
  /** Bytes per second of the current phase (hashing or uploading). */
  readonly speed: number;
  /** Seconds left in the current phase, when known. */
  readonly eta: number | undefined;
  readonly result: UploadResult | undefined;
  /** What went wrong, in words. */
  readonly error: string | undefined;
}

/** Starts one upload (the page passes the browser adapter's `upload` with its signer). */
export type StartUpload = (file: File) => UploadHandle;

export interface UploadList {
  add(files: Iterable<File>): UploadItem[];
  pause(id: number): void;
  resume(id: number): void;
  cancel(id: number): void;
  /** Starts a failed or cancelled file again (a checkpoint makes it resume). */
  retry(id: number): void;
  items(): UploadItem[];
  /** Called with an item each time it changes (and once when it is added). */
  onChange(listener: (item: UploadItem) => void): () => void;
}

export interface UploadListOptions {
  start: StartUpload;
  /** Files uploading at once; the rest wait. Default 2. */
  maxRunning?: number;
  now?: () => number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
interface Entry {
  item: Mutable<UploadItem>;
  file: File;
  handle: UploadHandle | undefined;
  cancelled: boolean;
}

const ACTIVE: ReadonlySet<ItemStatus> = new Set(['hashing', 'uploading', 'finishing']);

export function createUploadList(options: UploadListOptions): UploadList {
  const maxRunning = options.maxRunning ?? 2;
  const entries: Entry[] = [];
  const listeners = new Set<(item: UploadItem) => void>();
  let nextId = 1;

  const emit = (entry: Entry): void => {
    const snapshot: UploadItem = { ...entry.item };
    for (const listener of [...listeners]) listener(snapshot);
  };
  const find = (id: number): Entry | undefined => entries.find((entry) => entry.item.id === id);
  const set = (entry: Entry, changes: Partial<Mutable<UploadItem>>): void => {
    Object.assign(entry.item, changes);
    emit(entry);
  };

  const begin = (entry: Entry): void => {
    const { item } = entry;
    entry.cancelled = false;
    set(entry, {
      status: 'hashing',
      hashedBytes: 0,
      overallPercent: 0,
      ackedBytes: 0,
      speed: 0,
      eta: undefined,
      error: undefined,
      result: undefined,
    });
    let handle: UploadHandle;
    try {
      handle = options.start(entry.file);
    } catch (error) {
      // Bad input (an empty file…) is refused before any request.
      set(entry, { status: 'failed', error: describeError(error) });
      return;
    }
    entry.handle = handle;
    const meter = createFileMeter(item.size, options.now);
    handle.on('progress', (state) => {
      meter.update(state);
      const view = meter.view();
      const status = handle.state === 'paused' ? 'paused' : state.phase === 'done' ? item.status : state.phase;
      set(entry, {
        status,
        hashedBytes: state.hashedBytes,
        overallPercent: state.overallPercent,
        ackedBytes: state.phase === 'done' ? item.size : state.ackedBytes,
        speed: view.speed,
        eta: view.eta,
      });
    });
    handle.on('state', (state) => {
      if (state === 'paused') set(entry, { status: 'paused', speed: 0, eta: undefined });
      else if (state === 'running') set(entry, { status: item.hashedBytes < item.size && item.ackedBytes === 0 ? 'hashing' : 'uploading' });
      pump();
    });
    handle.done
      .then(
        (result) =>
          set(entry, {
            status: 'done',
            result,
            overallPercent: 100,
            ackedBytes: item.size,
            hashedBytes: Math.max(item.hashedBytes, result.hashedBytes),
            speed: 0,
            eta: 0,
          }),
        (error: unknown) =>
          set(
            entry,
            entry.cancelled
              ? { status: 'cancelled', speed: 0, eta: undefined }
              : { status: 'failed', error: describeError(error), speed: 0, eta: undefined },
          ),
      )
      .finally(pump);
  };

  const pump = (): void => {
    let running = entries.filter((entry) => ACTIVE.has(entry.item.status)).length;
    for (const entry of entries) {
      if (running >= maxRunning) break;
      if (entry.item.status !== 'queued') continue;
      running += 1;
      begin(entry);
    }
  };

  return {
    add(files) {
      const added: UploadItem[] = [];
      for (const file of files) {
        const item: Mutable<UploadItem> = {
          id: nextId++,
          name: file.name,
          size: file.size,
          type: file.type,
          status: 'queued',
          hashedBytes: 0,
          overallPercent: 0,
          ackedBytes: 0,
          speed: 0,
          eta: undefined,
          result: undefined,
          error: undefined,
        };
        const entry: Entry = { item, file, handle: undefined, cancelled: false };
        entries.push(entry);
        emit(entry);
        added.push({ ...item });
      }
      pump();
      return added;
    },
    pause(id) {
      find(id)?.handle?.pause();
    },
    resume(id) {
      find(id)?.handle?.resume();
    },
    cancel(id) {
      const entry = find(id);
      if (!entry) return;
      if (entry.item.status === 'queued') {
        entry.cancelled = true;
        set(entry, { status: 'cancelled' });
        return;
      }
      if (entry.item.status === 'done' || entry.item.status === 'failed' || entry.item.status === 'cancelled') return;
      entry.cancelled = true;
      entry.handle?.abort();
    },
    retry(id) {
      const entry = find(id);
      if (!entry || (entry.item.status !== 'failed' && entry.item.status !== 'cancelled')) return;
      entry.handle = undefined;
      set(entry, { status: 'queued', error: undefined });
      pump();
    },
    items: () => entries.map((entry) => ({ ...entry.item })),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
