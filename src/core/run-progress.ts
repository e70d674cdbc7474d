/**
 * Feeds one upload's tracker from the run: the hasher reports running totals, a resumed session
 * reports what the service holds, and a pause must not count the same bytes twice.
 */
import { createProgressTracker, type ProgressState, type ProgressTracker } from './progress.js';
import type { RunProgress } from './run-upload.js';

/** One progress report of an upload (see {@link ProgressState}). */
export type UploadProgress = ProgressState;

/** A {@link RunProgress} over a tracker, plus `done()` and `dispose()` for the handle. */
export function createRunProgress(
  totalBytes: number,
  onProgress: (state: ProgressState) => void,
): RunProgress & Pick<ProgressTracker, 'dispose'> & { done(): void } {
  const tracker = createProgressTracker({ totalBytes });
  tracker.on('progress', onProgress);
  let hashedInJob = 0;
  return {
    phase: (phase) => tracker.setPhase(phase),
    hashing() {
      // A new hash job after an interrupted one reads from the start again.
      if (hashedInJob > 0 || tracker.state.hashedBytes > 0) tracker.restart();
      hashedInJob = 0;
      tracker.setPhase('hashing');
    },
    hashed(total) {
      if (total > hashedInJob) tracker.hashed(total - hashedInJob);
      hashedInJob = total;
    },
    held(bytes) {
      const known = tracker.state.ackedBytes;
      if (bytes > known) tracker.skipped(bytes - known);
    },
    sent: (bytes) => tracker.sent(bytes),
    acked: (bytes) => tracker.acked(bytes),
    rolledBack: (bytes) => tracker.rollback(bytes),
    concurrency: (figure) => tracker.concurrency(figure),
    restart: () => tracker.restart(),
    done() {
      tracker.setPhase('done');
      tracker.flush();
    },
    dispose: () => tracker.dispose(),
  };
}
