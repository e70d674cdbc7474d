// Folds Stryker's JSON report (reports/mutation/<folders>.json) into the committed summary:
// mutation/summary.json (per folder: counts and score, when measured) and mutation/summary.md.
// Run by `npm run mutate` after Stryker; the HTML/JSON reports themselves stay uncommitted.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const folders = (process.env.MUTATE ?? 'protocol,core,client,emulator')
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean);
const reportPath = `reports/mutation/${folders.join('+')}.json`;
const summaryPath = 'mutation/summary.json';
if (!existsSync(reportPath)) throw new Error(`${reportPath} is missing: run Stryker first (npm run mutate)`);
const report = JSON.parse(readFileSync(reportPath, 'utf8'));
const summary = existsSync(summaryPath) ? JSON.parse(readFileSync(summaryPath, 'utf8')) : {};

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
for (const folder of folders) {
  const counts = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, Ignored: 0, CompileError: 0, RuntimeError: 0 };
  for (const [file, { mutants }] of Object.entries(report.files)) {
    if (!file.startsWith(`src/${folder}/`)) continue;
    for (const mutant of mutants) counts[mutant.status] = (counts[mutant.status] ?? 0) + 1;
  }
  const detected = [...DETECTED].reduce((sum, status) => sum + counts[status], 0);
  const undetected = [...UNDETECTED].reduce((sum, status) => sum + counts[status], 0);
  const score = detected + undetected === 0 ? null : Math.round((1000 * detected) / (detected + undetected)) / 10;
  summary[folder] = { measured: new Date().toISOString(), score, ...counts };
}
writeFileSync(summaryPath, `${JSON.stringify(summary, null, 2)}\n`);

const rows = Object.entries(summary).map(
  ([folder, s]) =>
    `| src/${folder} | ${s.score ?? '–'} % | ${s.Killed} | ${s.Timeout} | ${s.Survived} | ${s.NoCoverage} | ${s.Ignored} | ${s.measured.slice(0, 16).replace('T', ' ')} |`,
);
writeFileSync(
  'mutation/summary.md',
  [
    '# Mutation score (npm run mutate)',
    '',
    'Score = (killed + timed out) / (killed + timed out + survived + no coverage). Static mutants',
    '(module-level code) are ignored: each would rerun every suite. Suites: vitest.mutate.config.ts.',
    '',
    '| folder | score | killed | timeout | survived | no coverage | ignored | measured (UTC) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n'),
);
for (const folder of folders) console.log(`src/${folder}: ${summary[folder].score} %`);
