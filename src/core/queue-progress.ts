/**
 * The totals of an upload queue: files and bytes done, one speed, an ETA and one percentage for
 * the whole queue, kept from its files' progress events.
 */
import { createRateMeter, secondsLeft } from '../util/rate.js';
import type { UploadProgress } from './progress-types.js';

/** The totals of a queue, as its `progress` event and `progress` property give them. */
export interface QueueProgress {
  /** Files added, refused ones included. */
  readonly files: number;
  /** Files uploaded. */
  readonly filesDone: number;
  /** Files refused, failed or cancelled. */
  readonly filesFailed: number;
  /** Files started and not settled (running or paused). */
  readonly filesRunning: number;
  /** Files waiting for a slot. */
  readonly filesWaiting: number;
  /** Bytes of every file added, minus those of files that failed (they will not be sent). */
  readonly totalBytes: number;
  /** Bytes the service holds, over the same files (a file done counts whole). */
  readonly bytesDone: number;
  /** Bytes acknowledged per second across the queue, smoothed; 0 until measured. */
  readonly speed: number;
  /** Seconds until `bytesDone` reaches `totalBytes` at `speed`; 0 when nothing is left, undefined while unknown. */
  readonly eta: number | undefined;
  /**
   * The files' `overallPercent` (hashing and sending) averaged by size over the same files, 0–100;
   * 100 once every file settled and at least one was uploaded. It grows with the work done and
   * moves only when files are added (down) or fail (either way), as the set of files changes.
   */
  readonly overallPercent: number;
}

/** Keeps a queue's totals; ids are the queue's file ids. */
export interface QueueProgressKeeper {
  /** A file entered the queue. */
  fileAdded(id: number, size: number): void;
  /** A file got a slot and started. */
  fileStarted(id: number): void;
  /** A progress event of a running file. */
  fileProgress(id: number, progress: UploadProgress): void;
  /** A file was uploaded. */
  fileDone(id: number): void;
  /** A file was refused, failed or was cancelled. */
  fileFailed(id: number): void;
  /** The totals now. */
  snapshot(): QueueProgress;
}

interface FileTotals {
  size: number;
  state: 'waiting' | 'running' | 'done' | 'failed';
  acked: number;
  overallPercent: number;
}

/** Creates the totals of an empty queue. `now` is the clock in ms (default `Date.now`). */
export function createQueueProgress(now: () => number = Date.now, smoothingMs = 3_000): QueueProgressKeeper {
  const files = new Map<number, FileTotals>();
  // Speed as in progress.ts (util/rate.ts); the clock starts at the first progress event.
  const meter = createRateMeter(now, smoothingMs);
  let started = false;
  const sample = (bytes: number): void => {
    if (!started) {
      started = true;
      meter.reset();
      return;
    }
    meter.add(bytes);
    meter.sample();
  };

  return {
    fileAdded(id, size) {
      files.set(id, { size, state: 'waiting', acked: 0, overallPercent: 0 });
    },
    fileStarted(id) {
      const file = files.get(id);
      if (file && file.state === 'waiting') file.state = 'running';
    },
    fileProgress(id, progress) {
      const file = files.get(id);
      if (!file || file.state === 'done' || file.state === 'failed') return;
      file.state = 'running';
      const acked = Math.min(progress.ackedBytes, file.size);
      sample(Math.max(0, acked - file.acked));
      file.acked = acked;
      file.overallPercent = Math.max(file.overallPercent, progress.overallPercent);
    },
    fileDone(id) {
      const file = files.get(id);
      if (!file) return;
      sample(Math.max(0, file.size - file.acked));
      file.state = 'done';
      file.acked = file.size;
      file.overallPercent = 100;
    },
    fileFailed(id) {
      const file = files.get(id);
      if (file) file.state = 'failed';
    },
    snapshot() {
      let filesDone = 0;
      let filesFailed = 0;
      let filesRunning = 0;
      let filesWaiting = 0;
      let totalBytes = 0;
      let bytesDone = 0;
      let weighted = 0;
      for (const file of files.values()) {
        if (file.state === 'failed') {
          filesFailed += 1;
          continue;
        }
        if (file.state === 'done') filesDone += 1;
        else if (file.state === 'running') filesRunning += 1;
        else filesWaiting += 1;
        totalBytes += file.size;
        bytesDone += file.acked;
        weighted += file.size * file.overallPercent;
      }
      const left = totalBytes - bytesDone;
      const allDone = filesRunning === 0 && filesWaiting === 0 && filesDone > 0;
      return {
        files: files.size,
        filesDone,
        filesFailed,
        filesRunning,
        filesWaiting,
        totalBytes,
        bytesDone,
        speed: meter.rate,
        eta: secondsLeft(left, meter.rate),
        overallPercent: allDone ? 100 : totalBytes > 0 ? Math.min(weighted / totalBytes, 99.9) : 0,
      };
    },
  };
}
