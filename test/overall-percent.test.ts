/**
 * `overallPercent`: one figure across hashing and sending, weighted by the measured speeds,
 * monotonic, and 100 only once FinishUpload succeeded — over a real upload to the emulator, and
 * on a fake clock for the weighting.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { uploadWithClient as upload, type UploadProgress } from '../src/engine.js';
import { createProgressTracker } from '../src/core/progress.js';
import { countingHasher, settle, makeClient, randomFile, startEmulator, type RunningEmulator } from './helpers/upload-stack.js';

const MiB = 1048576;

describe('over a real upload', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0 });
  });
  afterAll(() => emu.close());

  it('is monotonic through hashing, sending and finishing, below 100 until FinishUpload answered', async () => {
    // Parts answered slowly enough (4 rounds of 150 ms) that the throttled events (≤ 10/s) sample
    // the sending phase several times on an idle machine too.
    emu.emulator.faults.add({ action: 'UploadPart', kind: 'delay', ms: 150, times: 1000 });
    const samples: (UploadProgress & { finishes: number })[] = [];
    const size = 8 * MiB + 3;
    const handle = upload(randomFile(size), { client: makeClient(emu), hasher: countingHasher(), concurrency: 2 });
    handle.on('progress', (p) => samples.push({ ...p, finishes: emu.emulator.log.count('FinishUpload', 0) }));
    await handle.done;

    const figures = samples.map((s) => Math.round(s.overallPercent * 10) / 10);
    expect(samples.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < samples.length; i += 1) expect(samples[i]!.overallPercent).toBeGreaterThanOrEqual(samples[i - 1]!.overallPercent);
    // The per-phase figure restarts at the phase change; the overall one does not.
    const firstUploading = samples.findIndex((s) => s.phase === 'uploading');
    expect(firstUploading).toBeGreaterThan(0);
    expect(samples[firstUploading - 1]!.percent).toBeGreaterThan(samples[firstUploading]!.percent);
    expect(samples[firstUploading]!.overallPercent).toBeGreaterThan(0);
    // It moves during sending, in more than one step, and 100 comes with `done`, after Finish.
    const sending = samples.filter((s) => s.phase === 'uploading').map((s) => s.overallPercent);
    expect(new Set(sending).size).toBeGreaterThanOrEqual(3);
    for (const sample of samples) {
      if (sample.overallPercent === 100) expect(sample).toMatchObject({ phase: 'done', finishes: 1 });
      else expect(sample.overallPercent).toBeLessThan(100);
      if (sample.finishes === 0) expect(sample.overallPercent).toBeLessThan(100);
    }
    expect(samples.at(-1)).toMatchObject({ phase: 'done', overallPercent: 100 });
    // For the note: the figures as sampled.
    console.log(`overallPercent samples (${samples.length}): ${samples.map((s, i) => `${s.phase[0]}${figures[i]}`).join(' ')}`);
    await settle(emu);
  });
});

describe('weighting (fake clock)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => vi.useRealTimers());

  it('each phase weighs its time at the measured speeds; a slower speed later never moves the figure back', () => {
    const total = 100 * MiB;
    const tracker = createProgressTracker({ totalBytes: total, intervalMs: 0 });
    // Hashing at 100 MiB/s for 1 s.
    for (let i = 0; i < 10; i += 1) {
      vi.advanceTimersByTime(100);
      tracker.hashed((i + 1) * 10 * MiB); // the hasher's running total
    }
    const afterHashing = tracker.state.overallPercent;
    // Until sending is measured, an assumed 8 MiB/s: hashing 1 s of about 1 + 12.5 s.
    expect(afterHashing).toBeCloseTo((1 / 13.5) * 100, 0);
    tracker.phase('uploading');
    // Sending at 10 MiB/s: half the file in 5 s.
    const seen: number[] = [];
    for (let i = 0; i < 50; i += 1) {
      vi.advanceTimersByTime(100);
      tracker.sent(MiB);
      tracker.acked(MiB);
      seen.push(tracker.state.overallPercent);
    }
    // Now much slower: 1 MiB/s. The figure slows down but never goes back.
    for (let i = 0; i < 20; i += 1) {
      vi.advanceTimersByTime(1000);
      tracker.sent(MiB);
      tracker.acked(MiB);
      seen.push(tracker.state.overallPercent);
    }
    for (let i = 1; i < seen.length; i += 1) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(seen[0]!).toBeGreaterThan(afterHashing);
    expect(seen.at(-1)!).toBeLessThan(99.9);
    // A restart (the file changed) keeps the figure where it was.
    const before = tracker.state.overallPercent;
    tracker.restart();
    expect(tracker.state.overallPercent).toBe(before);
    tracker.hashed(MiB);
    expect(tracker.state.overallPercent).toBeGreaterThanOrEqual(before);
    tracker.phase('done');
    expect(tracker.state.overallPercent).toBe(100);
  });

  it('a resumed upload without hashing is all sending: half the bytes acknowledged at one speed is half the bar', () => {
    const tracker = createProgressTracker({ totalBytes: 10 * MiB, intervalMs: 0, phase: 'uploading' });
    for (let i = 0; i < 5; i += 1) {
      vi.advanceTimersByTime(100);
      tracker.sent(MiB);
      tracker.acked(MiB);
    }
    expect(tracker.state.overallPercent).toBeGreaterThan(45);
    expect(tracker.state.overallPercent).toBeLessThan(55);
  });
});
