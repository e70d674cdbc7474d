/**
 * 20 seeds of `npm run chaos` (see test/chaos/chaos.ts): 14 uploads through the Node library, 4
 * through the CLI and 2 in Chromium, each to its own emulator faulting ~20 % of requests (early
 * answers among them). Every one must complete, and the emulator must serve exactly its bytes.
 * A run that does not end within its bound is reported as hung (and fails this test), never waited on.
 */
import { describe, expect, it } from 'vitest';
import { runChaos, runLine, summarize } from './chaos/chaos.js';

const SEEDS = Array.from({ length: 20 }, (_, index) => index + 1);

describe('chaos: 20 seeded uploads at 20 % faults', () => {
  it('all complete and are served byte-exact; none hangs, none is corrupt', async () => {
    const reports = await runChaos({ seeds: SEEDS, parallel: 8 });
    const lines = [...reports.map(runLine), '', ...summarize(reports)];
    console.log(lines.join('\n'));
    expect(reports.filter((report) => report.status !== 'verified').map(runLine)).toEqual([]);
    expect(new Set(reports.map((report) => report.runner))).toEqual(new Set(['library', 'cli', 'browser']));
    const injected = (kind: string) => reports.reduce((sum, report) => sum + (report.faults[kind] ?? 0), 0);
    // The seeds were chosen to cover the kinds that broke clients before: answers before the body, resets, stalls.
    for (const kind of ['early', 'reset-during', 'stall']) expect(injected(kind), kind).toBeGreaterThan(0);
    expect(reports.reduce((sum, report) => sum + report.retries, 0)).toBeGreaterThan(0);
  }, 400_000);
});
