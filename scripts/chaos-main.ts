/**
 * `npm run chaos`: 100 seeded chaos runs (library, CLI, browser) at 20 % faults; prints each run
 * and the totals. Exit status 1 unless every run completed and was verified byte-exact.
 *
 *   npm run chaos                 seeds 1-100
 *   npm run chaos -- 500 20       seeds 500-519
 */
import { runChaos, runLine, summarize } from '../test/chaos/chaos.js';

async function main(args: readonly string[]): Promise<number> {
  const first = Number(args[0] ?? 1);
  const count = Number(args[1] ?? 100);
  if (!Number.isInteger(first) || first < 0 || !Number.isInteger(count) || count < 1 || count > 10_000) {
    console.error('usage: npm run chaos [-- FIRST_SEED [COUNT]]');
    return 2;
  }
  const seeds = Array.from({ length: count }, (_, index) => first + index);
  const started = performance.now();
  const reports = await runChaos({ seeds, onRun: (report) => console.log(runLine(report)) });
  console.log('');
  for (const line of summarize(reports)) console.log(line);
  console.log(`total: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return reports.every((report) => report.status === 'verified') ? 0 : 1;
}

// Runs while the module loads: the module runner that loaded it serves the runs' own imports only until then.
export const exitCode = await main(process.argv.slice(2));
