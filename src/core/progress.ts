/**
 * Progress of one upload: counters, a smoothed speed and ETA, and throttled events.
 *
 * Events use a tiny typed emitter rather than EventTarget: listeners receive plain typed objects
 * (no CustomEvent `detail` casting), and it behaves the same in every runtime.
 */
import { VodArgumentError } from '../protocol/errors.js';
import { createEmitter } from '../util/emitter.js';
import { createRateMeter, secondsLeft } from '../util/rate.js';

export type {
  UploadPhase,
  ProgressState,
  Schedule,
  ProgressOptions,
  ProgressTracker,
  RunProgress,
  UploadProgress,
} from './progress-types.js';
import type { ProgressOptions, ProgressState, ProgressTracker, Schedule, UploadPhase } from './progress-types.js';

const PERCENT_CAP = 99.9;
/** Assumed speeds until measured (bytes/s): a hashing engine, and a typical uplink. */
const ASSUMED_HASH_SPEED = 200 * 1048576;
const ASSUMED_SEND_SPEED = 8 * 1048576;

const defaultSchedule: Schedule = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};

function checkBytes(method: string, bytes: number): void {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) {
    throw new VodArgumentError(`${method}(bytes)`, 'a finite number ≥ 0', bytes);
  }
}

/** A tracker for an upload of `totalBytes`. */
export function createProgressTracker(options: ProgressOptions): ProgressTracker {
  const { totalBytes } = options;
  if (!Number.isSafeInteger(totalBytes) || totalBytes < 0) throw new VodArgumentError('totalBytes', 'an integer ≥ 0', totalBytes);
  const intervalMs = options.intervalMs ?? 100;
  const smoothingMs = options.smoothingMs ?? 3_000;
  if (!(intervalMs >= 0) || !Number.isFinite(intervalMs)) throw new VodArgumentError('intervalMs', 'a finite number ≥ 0', intervalMs);
  if (!(smoothingMs > 0) || !Number.isFinite(smoothingMs)) throw new VodArgumentError('smoothingMs', 'a finite number > 0', smoothingMs);
  const now = options.now ?? Date.now;
  const schedule = options.schedule ?? defaultSchedule;
  const emitter = createEmitter<{ progress: ProgressState }>();

  let phase: UploadPhase = options.phase ?? 'hashing';
  let hashedBytes = 0;
  let concurrency = 0;
  let sentBytes = 0;
  let ackedBytes = 0;
  // The send rate (util/rate.ts); sampled at each event and phase change.
  const meter = createRateMeter(now, smoothingMs);
  // The whole-job figure (0–1) and the counters it has already accounted for.
  let overall = 0;
  let overallHashed = 0;
  let overallAcked = 0;
  let hashStartedAt = now();
  let hashSpeed = 0;
  let lastEmit = Number.NEGATIVE_INFINITY;
  let cancelTrailing: (() => void) | undefined;
  let disposed = false;

  /**
   * Moves the whole-job figure by the work done since the last call. Work is measured in expected
   * seconds (bytes over the speed of their phase); the new work takes its share of what is left
   * of the bar, `work / (work + time still expected)`, so the figure can only grow, and it grows
   * exactly in proportion to time when the speeds hold.
   */
  const advanceOverall = (): void => {
    const t = now();
    if (phase === 'hashing' && hashedBytes > 0 && t > hashStartedAt) hashSpeed = (hashedBytes / (t - hashStartedAt)) * 1000;
    const byHash = hashSpeed > 0 ? hashSpeed : ASSUMED_HASH_SPEED;
    const bySend = meter.rate > 0 ? meter.rate : ASSUMED_SEND_SPEED;
    const work = Math.max(0, hashedBytes - overallHashed) / byHash + Math.max(0, ackedBytes - overallAcked) / bySend;
    overallHashed = hashedBytes;
    overallAcked = ackedBytes;
    if (work <= 0) return;
    const hashLeft = phase === 'hashing' ? Math.max(0, totalBytes - hashedBytes) / byHash : 0;
    const sendLeft = Math.max(0, totalBytes - ackedBytes) / bySend;
    overall += (1 - overall) * (work / (work + hashLeft + sendLeft));
  };

  const snapshot = (): ProgressState => {
    const clamp = (n: number): number => Math.min(n, totalBytes);
    const done = phase === 'done';
    const basis = phase === 'hashing' ? hashedBytes : ackedBytes;
    const ratio = totalBytes === 0 ? 0 : (clamp(basis) / totalBytes) * 100;
    const percent = done ? 100 : Math.min(ratio, PERCENT_CAP);
    const uploading = phase === 'uploading';
    const speed = meter.rate;
    const eta = done ? 0 : uploading && speed > 0 ? secondsLeft(totalBytes - sentBytes, speed) : undefined;
    return {
      phase,
      hashedBytes: clamp(hashedBytes),
      sentBytes: clamp(sentBytes),
      ackedBytes: clamp(ackedBytes),
      totalBytes,
      speed,
      eta,
      percent,
      overallPercent: done ? 100 : Math.min(overall * 100, PERCENT_CAP),
      concurrency,
    };
  };

  const emitNow = (): void => {
    cancelTrailing?.();
    cancelTrailing = undefined;
    if (disposed) return;
    meter.sample();
    lastEmit = now();
    emitter.emit('progress', snapshot());
  };

  /** Emits now if the interval has passed, else makes sure one trailing event will come. */
  const update = (): void => {
    if (disposed) return;
    const wait = lastEmit + intervalMs - now();
    if (wait <= 0) emitNow();
    else if (!cancelTrailing) cancelTrailing = schedule(emitNow, wait);
  };

  const live = (): boolean => !disposed && phase !== 'done';

  const enter = (next: UploadPhase): void => {
    if (!live() || next === phase) return;
    meter.sample();
    // Speed measures sending only: time spent hashing must not dilute it.
    if (next === 'uploading' && sentBytes === ackedBytes) meter.reset();
    // The service holds the whole file once Finish succeeded, or on an instant upload (where
    // sentBytes honestly stays 0).
    if (next === 'done') ackedBytes = totalBytes;
    if (next === 'hashing') hashStartedAt = now();
    advanceOverall();
    phase = next;
    emitNow();
  };

  const restart = (): void => {
    if (!live()) return;
    hashedBytes = sentBytes = ackedBytes = 0;
    // The bytes done before count as work done: the figure keeps its value, the rest of the
    // bar is spread over the job again.
    overallHashed = overallAcked = 0;
    hashStartedAt = now();
    phase = 'hashing';
    emitNow();
  };

  return {
    get state() {
      return snapshot();
    },
    on: (event, listener) => emitter.on(event, listener),
    phase: enter,
    hashing() {
      // A new hash job after an interrupted one reads from the start again.
      if (hashedBytes > 0) restart();
      enter('hashing');
    },
    hashed(total) {
      checkBytes('hashed', total);
      if (!live() || total <= hashedBytes) return;
      hashedBytes = total;
      advanceOverall();
      update();
    },
    held(total) {
      checkBytes('held', total);
      if (!live() || total <= ackedBytes) return;
      sentBytes += total - ackedBytes;
      ackedBytes = total;
      advanceOverall();
      update();
    },
    sent(bytes) {
      checkBytes('sent', bytes);
      if (!live()) return;
      sentBytes += bytes;
      meter.add(bytes);
      update();
    },
    acked(bytes) {
      checkBytes('acked', bytes);
      if (!live()) return;
      ackedBytes += bytes;
      if (sentBytes < ackedBytes) sentBytes = ackedBytes;
      advanceOverall();
      update();
    },
    rolledBack(bytes) {
      checkBytes('rolledBack', bytes);
      if (!live()) return;
      sentBytes = Math.max(ackedBytes, sentBytes - bytes);
      update();
    },
    concurrency(figure) {
      if (!live() || figure === concurrency) return;
      concurrency = figure;
      update();
    },
    restart,
    done() {
      enter('done');
      if (cancelTrailing) emitNow();
    },
    flush() {
      if (cancelTrailing) emitNow();
    },
    dispose() {
      cancelTrailing?.();
      cancelTrailing = undefined;
      disposed = true;
    },
  };
}
