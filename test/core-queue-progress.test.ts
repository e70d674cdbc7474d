/**
 * A queue's totals (createQueueProgress) on a fake clock: files counted by state, bytes over the
 * files that will be sent, one speed from the first progress event on, and one percentage
 * weighted by size, 100 only once every file settled and one was uploaded.
 */
import { describe, expect, it } from 'vitest';
import { createQueueProgress } from '../src/core/queue-progress.js';
import type { UploadProgress } from '../src/core/progress-types.js';

/** A file's progress event with only the fields the totals read. */
const progress = (ackedBytes: number, overallPercent: number): UploadProgress => ({ ackedBytes, overallPercent }) as UploadProgress;

function keeper() {
  const clock = { t: 1_000 };
  return { clock, totals: createQueueProgress(() => clock.t) };
}

describe('createQueueProgress', () => {
  it('counts files by state; a file started twice or after it settled keeps its state', () => {
    const { totals } = keeper();
    expect(totals.snapshot()).toEqual({
      files: 0,
      filesDone: 0,
      filesFailed: 0,
      filesRunning: 0,
      filesWaiting: 0,
      totalBytes: 0,
      bytesDone: 0,
      speed: 0,
      eta: 0,
      overallPercent: 0,
    });
    totals.fileAdded(1, 100);
    totals.fileAdded(2, 200);
    totals.fileAdded(3, 300);
    totals.fileStarted(1);
    totals.fileStarted(9);
    expect(totals.snapshot()).toMatchObject({ files: 3, filesRunning: 1, filesWaiting: 2, totalBytes: 600, bytesDone: 0, eta: undefined });
    totals.fileDone(1);
    totals.fileStarted(1);
    totals.fileFailed(2);
    totals.fileStarted(2);
    totals.fileDone(9);
    totals.fileFailed(9);
    expect(totals.snapshot()).toMatchObject({ files: 3, filesDone: 1, filesFailed: 1, filesRunning: 0, filesWaiting: 1 });
  });

  it('a progress event marks its file running, counts its bytes up to its size, and never takes its percentage back', () => {
    const { totals } = keeper();
    totals.fileAdded(1, 100);
    totals.fileAdded(2, 300);
    totals.fileProgress(1, progress(40, 30));
    expect(totals.snapshot()).toMatchObject({ filesRunning: 1, filesWaiting: 1, bytesDone: 40, overallPercent: (100 * 30) / 400 });
    totals.fileProgress(1, progress(500, 20));
    expect(totals.snapshot()).toMatchObject({ bytesDone: 100, overallPercent: (100 * 30) / 400 });
    totals.fileProgress(9, progress(50, 50));
    expect(totals.snapshot()).toMatchObject({ files: 2, bytesDone: 100 });
  });

  it('progress after a file settled changes nothing; a failed file leaves the totals, a done one counts whole', () => {
    const { totals } = keeper();
    totals.fileAdded(1, 100);
    totals.fileAdded(2, 300);
    totals.fileProgress(1, progress(10, 10));
    totals.fileProgress(2, progress(30, 10));
    totals.fileDone(1);
    totals.fileProgress(1, progress(0, 0));
    expect(totals.snapshot()).toMatchObject({ filesDone: 1, filesRunning: 1, totalBytes: 400, bytesDone: 130 });
    expect(totals.snapshot().overallPercent).toBeCloseTo((100 * 100 + 300 * 10) / 400, 10);
    totals.fileFailed(2);
    totals.fileProgress(2, progress(300, 100));
    expect(totals.snapshot()).toMatchObject({ filesDone: 1, filesFailed: 1, filesRunning: 0, totalBytes: 100, bytesDone: 100 });
    expect(totals.snapshot().overallPercent).toBe(100);
  });

  it('overallPercent stays at most 99.9 until every file settled (a waiting one included), and is 0 when every file failed', () => {
    const { totals } = keeper();
    totals.fileAdded(1, 100);
    totals.fileAdded(2, 100);
    totals.fileProgress(1, progress(100, 100));
    totals.fileProgress(2, progress(100, 100));
    expect(totals.snapshot().overallPercent).toBe(99.9);
    totals.fileDone(1);
    expect(totals.snapshot().overallPercent).toBe(99.9);
    totals.fileFailed(2);
    expect(totals.snapshot().overallPercent).toBe(100);
    const waiting = keeper().totals;
    waiting.fileAdded(1, 100);
    waiting.fileAdded(2, 100);
    waiting.fileDone(1);
    expect(waiting.snapshot()).toMatchObject({ filesDone: 1, filesWaiting: 1, overallPercent: 50 });
    const failed = keeper().totals;
    failed.fileAdded(1, 100);
    failed.fileFailed(1);
    expect(failed.snapshot()).toMatchObject({ filesFailed: 1, totalBytes: 0, overallPercent: 0, eta: 0 });
  });

  it('speed: the clock starts at the first progress event; bytes acknowledged since, and the rest of a file done, count', () => {
    const { clock, totals } = keeper();
    totals.fileAdded(1, 1_000);
    totals.fileAdded(2, 3_000);
    clock.t += 60_000;
    // The first event starts the clock: its bytes (done before it started) are not a rate.
    totals.fileProgress(1, progress(400, 5));
    expect(totals.snapshot()).toMatchObject({ speed: 0, eta: undefined });
    clock.t += 1_000;
    totals.fileProgress(1, progress(600, 10));
    expect(totals.snapshot()).toMatchObject({ speed: 200, bytesDone: 600 });
    expect(totals.snapshot().eta).toBeCloseTo(3_400 / 200, 10);
    // An event that takes the figure back (a restarted file) adds no bytes.
    clock.t += 1_000;
    totals.fileProgress(1, progress(100, 10));
    const afterRestart = totals.snapshot().speed;
    expect(afterRestart).toBeLessThan(200);
    expect(afterRestart).toBeGreaterThan(0);
    clock.t += 1_000;
    totals.fileDone(1);
    // The rest of the file (1000 - 100 bytes) counts, decayed like util/rate.ts (time constant 3 s).
    const d = Math.exp(-1_000 / 3_000);
    expect(totals.snapshot().speed).toBeCloseTo((200 * d * d + 900) / (d * d + d + 1), 6);
  });
});
