// Folds Stryker's JSON reports (reports/mutation/<folders>.json) into the committed summary:
// mutation/summary.json (per folder: the first complete run as `before`, the latest as `after`,
// each with its counts, score and commit) and mutation/summary.md. Run by `npm run mutate` after
// Stryker; the HTML/JSON reports themselves stay uncommitted. `node scripts/mutation-summary.mjs
// --survivors` also prints each surviving or uncovered mutant (file:line, mutator, replacement).
// A folder measured in parts (MUTATE_PART + MUTATE_FILES, stryker.config.mjs) has one report per part,
// reports/mutation/<folders>.<part>.json: they are read together, a file's newest report winning, and
// the summary names the files that no report covers.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';

const folders = (process.env.MUTATE ?? 'protocol,core,client,emulator')
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean);
const own = process.env.MUTATE_SUITES === 'own';
const tag = `${folders.join('+')}${own ? '-own' : ''}`;
const reportDir = 'reports/mutation';
const reportPaths = existsSync(reportDir)
  ? readdirSync(reportDir)
      .filter((name) => name === `${tag}.json` || (name.startsWith(`${tag}.`) && name.endsWith('.json')))
      // A sampled run covers parts of files: scripts/mutation-sample.mjs scores it.
      .filter((name) => !name.includes('.sample-'))
      .map((name) => `${reportDir}/${name}`)
      .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs)
  : [];
if (reportPaths.length === 0) throw new Error(`${reportDir}/${tag}.json is missing: run Stryker first (npm run mutate)`);
/** file → its mutants, from the newest report that has the file. */
const reportFiles = {};
for (const path of reportPaths) Object.assign(reportFiles, JSON.parse(readFileSync(path, 'utf8')).files);
const report = { files: reportFiles };
const summaryPath = 'mutation/summary.json';
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
  // Files of the folder no report covers (a part not run, or a file without mutants, such as types only).
  const unmeasured = readdirSync(`src/${folder}`)
    .filter((name) => name.endsWith('.ts') && !(`src/${folder}/${name}` in report.files))
    .map((name) => `src/${folder}/${name}`);
  if (reportPaths.length > 1) run.reports = reportPaths;
  if (unmeasured.length > 0) run.unmeasured = unmeasured;
  const key = own ? `${folder} (own suites)` : folder;
  summary[key] = { before: summary[key]?.before ?? run, after: run };
}
writeFileSync(summaryPath, `${JSON.stringify(summary, null, 2)}\n`);

// A run stopped before the end (recorded by hand from Stryker's progress line) has no score, only how far it got.
const counts = (s) =>
  s.stopped
    ? `stopped: ${s.stopped}`
    : `${s.score ?? '–'} % (${s.Killed} killed, ${s.Timeout} timeout, ${s.Survived} survived, ${s.NoCoverage} no coverage${
        s.unmeasured ? `; not measured: ${s.unmeasured.map((file) => file.replace(/^src\/[^/]+\//, '')).join(', ')}` : ''
      })`;
const rows = Object.entries(summary).map(
  ([folder, { before, after }]) =>
    `| src/${folder} | ${counts(before)} at ${before.commit} | ${counts(after)} at ${after.commit} | ${after.Ignored} | ${after.measured.slice(0, 16).replace('T', ' ')} |`,
);
// Sampled estimates (scripts/mutation-sample.mjs): each plan with its results.
const sampleRows = readdirSync('mutation')
  .filter((name) => /^sample-[a-z]+-[0-9]+\.json$/.test(name))
  .flatMap((name) => {
    const plan = JSON.parse(readFileSync(`mutation/${name}`, 'utf8'));
    return Object.values(plan.results ?? {}).map((r) => {
      const c = r.counts;
      const tally = `${c.Killed ?? 0} killed, ${c.Timeout ?? 0} timeout, ${c.Survived ?? 0} survived, ${c.NoCoverage ?? 0} no coverage`;
      return `| src/${plan.folder} | ${plan.seed} | ${r.suites} | ${r.sampled} of ${plan.population} | ${r.sampleScore} % (${r.sampleInterval95.join('–')}; ${tally}) | ${r.measured.score} % of ${r.measured.scored} | **${r.folderEstimate} %** (${r.folderInterval95.join('–')}) | ${r.commit} |`;
    });
  });
const sampleSection = sampleRows.length
  ? [
      '## Sampled estimates (scripts/mutation-sample.mjs)',
      '',
      'A seeded random sample of the mutants no part run had measured, run as mutation ranges; the folder',
      'estimate adds it, scaled to the unmeasured population, to the measured parts. Intervals: 95 % (Wilson).',
      '',
      '| folder | seed | suites | sampled | sample score | measured parts | folder estimate | commit |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...sampleRows,
      '',
    ]
  : [];
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
    ...sampleSection,
  ].join('\n'),
);
for (const folder of folders) {
  const { before, after } = summary[own ? `${folder} (own suites)` : folder];
  console.log(`src/${folder}${own ? ' (own suites)' : ''}: ${before.score} % -> ${after.score} %`);
}
