// Folds Stryker's JSON report (reports/mutation/<folders>.json) into the committed summary:
// mutation/summary.json (per folder: the first complete run as `before`, the latest as `after`,
// each with its counts, score and commit) and mutation/summary.md. Run by `npm run mutate` after
// Stryker; the HTML/JSON reports themselves stay uncommitted. `node scripts/mutation-summary.mjs
// --survivors` also prints each surviving or uncovered mutant (file:line, mutator, replacement).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const folders = (process.env.MUTATE ?? 'protocol,core,client,emulator')
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean);
const own = process.env.MUTATE_SUITES === 'own';
const reportPath = `reports/mutation/${folders.join('+')}${own ? '-own' : ''}.json`;
const summaryPath = 'mutation/summary.json';
if (!existsSync(reportPath)) throw new Error(`${reportPath} is missing: run Stryker first (npm run mutate)`);
const report = JSON.parse(readFileSync(reportPath, 'utf8'));
const summary = existsSync(summaryPath) ? JSON.parse(readFileSync(summaryPath, 'utf8')) : {};
// The commit the run measured: HEAD unless MUTATE_COMMIT names it (HEAD may have moved on during a long run).
const commit = process.env.MUTATE_COMMIT ?? execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { encoding: 'utf8' }).trim() !== '';

const DETECTED = ['Killed', 'Timeout'];
const UNDETECTED = ['Survived', 'NoCoverage'];
for (const folder of folders) {
  const counts = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, Ignored: 0, CompileError: 0, RuntimeError: 0 };
  for (const [file, { mutants }] of Object.entries(report.files)) {
    if (!file.startsWith(`src/${folder}/`)) continue;
    for (const mutant of mutants) {
      counts[mutant.status] = (counts[mutant.status] ?? 0) + 1;
      if (process.argv.includes('--survivors') && UNDETECTED.includes(mutant.status)) {
        const { line, column } = mutant.location.start;
        console.log(`${mutant.status}\t${file}:${line}:${column}\t${mutant.mutatorName}\t${JSON.stringify(mutant.replacement ?? '')}`);
      }
    }
  }
  const detected = DETECTED.reduce((sum, status) => sum + counts[status], 0);
  const undetected = UNDETECTED.reduce((sum, status) => sum + counts[status], 0);
  const score = detected + undetected === 0 ? null : Math.round((1000 * detected) / (detected + undetected)) / 10;
  const run = { measured: new Date().toISOString(), commit: dirty ? `${commit}+changes` : commit, score, ...counts };
  const key = own ? `${folder} (own suites)` : folder;
  summary[key] = { before: summary[key]?.before ?? run, after: run };
}
writeFileSync(summaryPath, `${JSON.stringify(summary, null, 2)}\n`);

const counts = (s) => `${s.score ?? '–'} % (${s.Killed} killed, ${s.Timeout} timeout, ${s.Survived} survived, ${s.NoCoverage} no coverage)`;
const rows = Object.entries(summary).map(
  ([folder, { before, after }]) =>
    `| src/${folder} | ${counts(before)} at ${before.commit} | ${counts(after)} at ${after.commit} | ${after.Ignored} | ${after.measured.slice(0, 16).replace('T', ' ')} |`,
);
writeFileSync(
  'mutation/summary.md',
  [
    '# Mutation score (npm run mutate)',
    '',
    'Score = (killed + timed out) / (killed + timed out + survived + no coverage). Static mutants',
    '(module-level code) are ignored: each would rerun every suite. Suites: vitest.mutate.config.ts.',
    '"Before" is the first complete run of the folder, "after" the latest; each names the commit it measured.',
    '"(own suites)": the folder judged by its own suites only (MUTATE_SUITES=own), a lower bound of the full score.',
    'How each figure was measured, and what is left: mutation/notes.md.',
    '',
    '| folder | before | after | ignored | measured (UTC) |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n'),
);
for (const folder of folders) {
  const { before, after } = summary[own ? `${folder} (own suites)` : folder];
  console.log(`src/${folder}${own ? ' (own suites)' : ''}: ${before.score} % -> ${after.score} %`);
}
