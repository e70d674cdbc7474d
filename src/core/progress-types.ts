/** What an upload's progress reports, and the tracker that keeps it (see progress.ts). */
import type { Listener } from '../util/emitter.js';

/** Where an upload is: hashing the file, sending parts, waiting for FinishUpload, or done. */
export type UploadPhase = 'hashing' | 'uploading' | 'finishing' | 'done';

/** One progress report. Byte counts are whole bytes, `speed` bytes/s, `eta` seconds. */
export interface ProgressState {
  /** The current phase. */
  readonly phase: UploadPhase;
  /** Bytes hashed so far (0 when the hashes came from a checkpoint). */
  readonly hashedBytes: number;
  /** Bytes handed to the network, including parts in flight (goes down when a part fails). */
  readonly sentBytes: number;
  /**
   * Bytes the service confirmed (parts answered with code 0, or already held on resume); the
   * whole file once phase is `done`.
   */
  readonly ackedBytes: number;
  /** The file's size. */
  readonly totalBytes: number;
  /** Smoothed send rate; 0 until bytes were sent. */
  readonly speed: number;
  /** Seconds left while uploading at `speed`; undefined when unknown. */
  readonly eta: number | undefined;
  /**
   * Completion of the current phase (hashing: hashed bytes; uploading/finishing: acknowledged
   * bytes), 0–100. Stays below 100 until phase `done`, which FinishUpload's success alone sets.
   */
  readonly percent: number;
  /**
   * Completion of the whole job, hashing and sending together, 0–100: one figure for one bar.
   * Each phase weighs as long as it is expected to take at the measured hashing and sending
   * speeds (before a speed is measured, an assumed one). It never goes down, even when a speed
   * estimate changes or a paused hash starts over (the rest of the bar is then spread over the
   * work left), and is 100 only in phase `done`, which FinishUpload's success alone sets.
   */
  readonly overallPercent: number;
  /**
   * Parts allowed in flight now: the fixed `concurrency`, or the figure `concurrency: 'auto'`
   * has reached (it grows while throughput rises and backs off on congestion). 0 before sending.
   */
  readonly concurrency: number;
}

// ------------------------------------------------------------------------------- tracker

/** Schedules `fn` after `ms`; returns a cancel function. */
export type Schedule = (fn: () => void, ms: number) => () => void;

export interface ProgressOptions {
  totalBytes: number;
  /** Minimum time between two events. Default 100 ms (at most ~10 per second). */
  intervalMs?: number | undefined;
  /** Time constant of the speed's exponential smoothing. Default 3 000 ms. */
  smoothingMs?: number | undefined;
  /** Clock in ms. Default `Date.now`. */
  now?: (() => number) | undefined;
  /** Timer for the trailing event. Default `setTimeout`. */
  schedule?: Schedule | undefined;
  /** Initial phase. Default `hashing`. */
  phase?: UploadPhase | undefined;
}

/**
 * The one progress vocabulary, from a part to the event: the parts loop reports `sent`, `acked`
 * and `rolledBack` (one part's bytes each), the hasher its running total (`hashed`), a resumed
 * session what the service holds (`held`, a total), and the tracker turns them into
 * {@link ProgressState} events.
 */
export interface ProgressTracker {
  /** The current state (not throttled). */
  readonly state: ProgressState;
  /** Listens to throttled `progress` events. Returns the unsubscribe function. */
  on(event: 'progress', listener: Listener<ProgressState>): () => void;
  /** Enters a phase; always emitted at once. `done` is final: later calls are ignored. */
  phase(phase: UploadPhase): void;
  /** A hash job starts: it reads from byte 0, so bytes hashed by an earlier job start over. */
  hashing(): void;
  /** The current hash job has hashed `total` bytes (the hasher's running total). */
  hashed(total: number): void;
  /** The service holds `total` bytes of the file (parts listed on resume): sent and acknowledged, not speed. */
  held(total: number): void;
  /** `bytes` more were handed to the network. */
  sent(bytes: number): void;
  /** `bytes` were confirmed by the service (they were counted by {@link sent} before). */
  acked(bytes: number): void;
  /** A failed part's `bytes` are taken back from `sentBytes` (never below `ackedBytes`). */
  rolledBack(bytes: number): void;
  /** Parts allowed in flight now (reported in the next event). */
  concurrency(figure: number): void;
  /** Starts over (the file changed and is hashed again): counters to 0, phase `hashing`. */
  restart(): void;
  /** The upload completed: phase `done`, and the last event is sent now. */
  done(): void;
  /** Sends any pending trailing event now. */
  flush(): void;
  /** Cancels the trailing timer (upload failed or aborted); no further events. */
  dispose(): void;
}

/** What an upload's run reports progress to (the tracker, less its events and lifetime). */
export type RunProgress = Pick<
  ProgressTracker,
  'phase' | 'hashing' | 'hashed' | 'held' | 'sent' | 'acked' | 'rolledBack' | 'concurrency' | 'restart'
>;

/** One progress report of an upload (see {@link ProgressState}). */
export type UploadProgress = ProgressState;
