// Estimates a folder's whole mutation score when measuring every mutant would take too long: a seeded
// random sample of the mutants no part run has measured (mutation/incremental-<folder>-own.*.json),
// run by Stryker as mutation ranges, then combined with the measured parts.
//
//   node scripts/mutation-sample.mjs plan emulator 120 7   # writes mutation/sample-emulator-7.json, prints MUTATE_FILES
//   MUTATE=emulator MUTATE_PART=sample-7 MUTATE_SAMPLE=emulator-7 MUTATE_FILES=<printed> npx stryker run
//   node scripts/mutation-sample.mjs score emulator 7      # sample score with a 95 % interval, and the folder's estimate
// (MUTATE_SUITES=own, as with any part, judges by the folder's own suites; give it to `score` as well.)
//
// A range selects every mutant inside it; the run's ignorer (mutation-sample-ignorer.mjs) sets aside the
// nodes that neither are sampled nor enclose a sampled one. What is left beside the sample (other mutants
// of a sampled node, or of a node enclosing one) is measured too, but only the sampled mutants enter the
// estimate: the extras are not random.
import { Instrumenter } from '@stryker-mutator/instrumenter';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { sampleIgnorer } from './mutation-sample-ignorer.mjs';

const [command, folder, ...rest] = process.argv.slice(2);
const [sizeText, seedText] = command === 'plan' ? rest : [undefined, rest[0]];
if (!['plan', 'score'].includes(command) || !/^[a-z]+$/.test(folder ?? '') || !/^[0-9]+$/.test(seedText ?? '')) {
  throw new Error('usage: mutation-sample.mjs plan <folder> <size> <seed> | score <folder> <seed>');
}
const samplePath = `mutation/sample-${folder}-${seedText}.json`;
const partPrefixes = [`incremental-${folder}-own.`, `incremental-${folder}.`];
const sampleReport = `mutation/incremental-${folder}${process.env.MUTATE_SUITES === 'own' ? '-own' : ''}.sample-${seedText}.json`;
const silent = () => {};
const logger = { isTraceEnabled: () => false, isDebugEnabled: () => false, isInfoEnabled: () => false };
for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal']) logger[level] = silent;

/** Every measured part's report, keyed by file (the sample's own part excluded). */
function measuredParts() {
  const files = {};
  for (const name of readdirSync('mutation').sort()) {
    if (!partPrefixes.some((prefix) => name.startsWith(prefix)) || name.includes('.sample-')) continue;
    Object.assign(files, JSON.parse(readFileSync(`mutation/${name}`, 'utf8')).files);
  }
  return files;
}

/** Mulberry32, as in src/emulator/link.ts (a plain .mjs script cannot import TypeScript on Node 20): a plan can be redrawn from its seed. */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The mutants Stryker would run in `file` (those its ignorers set aside dropped). */
async function instrument(file, mutate, ignorers = []) {
  const instrumenter = new Instrumenter(logger);
  const options = { plugins: null, excludedMutations: [], ignorers, noHeader: false };
  const { mutants } = await instrumenter.instrument([{ name: file, content: readFileSync(file, 'utf8'), mutate }], options);
  return mutants.filter((m) => m.status !== 'Ignored');
}

const key = (m) => `${m.file}|${m.mutatorName}|${m.replacement}|${m.line}:${m.column}-${m.endLine}:${m.endColumn}`;

if (command === 'plan') {
  const measured = measuredParts();
  const files = readdirSync(`src/${folder}`)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `src/${folder}/${name}`)
    .filter((file) => !(file in measured));
  const population = [];
  for (const file of files) {
    for (const m of await instrument(file, true)) {
      const { start, end } = m.location; // 0-based lines and columns
      population.push({
        file,
        mutatorName: m.mutatorName,
        replacement: m.replacement,
        line: start.line + 1,
        column: start.column,
        endLine: end.line + 1,
        endColumn: end.column,
      });
    }
  }
  const random = seeded(Number(seedText));
  const pool = [...population];
  const size = Math.min(Number(sizeText), pool.length);
  const sample = [];
  for (let i = 0; i < size; i++) sample.push(pool.splice(Math.floor(random() * pool.length), 1)[0]);
  sample.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  // Stryker's range syntax: 1-based lines, 0-based columns, both ends included.
  const ranges = [...new Set(sample.map((m) => `${m.file}:${m.line}:${m.column}-${m.endLine}:${m.endColumn}`))];
  let selected = 0;
  for (const file of new Set(sample.map((m) => m.file))) {
    const mine = sample.filter((m) => m.file === file);
    const mutate = mine.map((m) => ({ start: { line: m.line - 1, column: m.column }, end: { line: m.endLine - 1, column: m.endColumn } }));
    selected += (await instrument(file, mutate, [sampleIgnorer(mine)])).length;
  }
  const perFile = {};
  for (const m of population) perFile[m.file] = (perFile[m.file] ?? 0) + 1;
  writeFileSync(
    samplePath,
    `${JSON.stringify({ folder, seed: Number(seedText), measuredFiles: Object.keys(measured), population: population.length, perFile, selected, sample }, null, 1)}\n`,
  );
  console.error(`${folder}: ${population.length} unmeasured mutants in ${files.length} files; sampled ${size}, ranges select ${selected}`);
  console.log(ranges.join(','));
} else {
  const plan = JSON.parse(readFileSync(samplePath, 'utf8'));
  if (!existsSync(sampleReport)) throw new Error(`${sampleReport} is missing: run the sample first`);
  const report = JSON.parse(readFileSync(sampleReport, 'utf8')).files;
  const results = new Map();
  for (const [file, { mutants }] of Object.entries(report)) {
    for (const m of mutants) {
      const { start, end } = m.location; // 1-based lines and columns
      results.set(
        key({
          file,
          mutatorName: m.mutatorName,
          replacement: m.replacement,
          line: start.line,
          column: start.column - 1,
          endLine: end.line,
          endColumn: end.column - 1,
        }),
        m.status,
      );
    }
  }
  const counts = {};
  const missing = [];
  for (const m of plan.sample) {
    const status = results.get(key(m));
    if (status === undefined) missing.push(key(m));
    else counts[status] = (counts[status] ?? 0) + 1;
  }
  const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const scored = detected + (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  // Wilson score interval, 95 %.
  const z = 1.96;
  const p = detected / scored;
  const centre = (p + (z * z) / (2 * scored)) / (1 + (z * z) / scored);
  const half = (z * Math.sqrt((p * (1 - p)) / scored + (z * z) / (4 * scored * scored))) / (1 + (z * z) / scored);
  // The unmeasured mutants that would be scored (static ones are ignored), scaled from the sample.
  const unmeasuredScored = (plan.population * scored) / plan.sample.length;
  let measuredDetected = 0;
  let measuredScored = 0;
  // The files measured when the sample was drawn (its population is the rest), as their reports now stand.
  const parts = measuredParts();
  for (const { mutants } of (plan.measuredFiles ?? Object.keys(parts)).map((file) => parts[file] ?? { mutants: [] })) {
    for (const m of mutants) {
      if (m.status === 'Killed' || m.status === 'Timeout') measuredDetected++;
      if (['Killed', 'Timeout', 'Survived', 'NoCoverage'].includes(m.status)) measuredScored++;
    }
  }
  const whole = (rate) => (100 * (measuredDetected + rate * unmeasuredScored)) / (measuredScored + unmeasuredScored);
  const percent = (value) => Math.round(value * 10) / 10;
  const commit = process.env.MUTATE_COMMIT ?? execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const result = {
    scoredAt: new Date().toISOString(),
    commit,
    suites: process.env.MUTATE_SUITES === 'own' ? 'own' : 'all quick',
    seed: plan.seed,
    sampled: plan.sample.length,
    missing,
    counts,
    sampleScore: percent(100 * p),
    sampleInterval95: [percent(100 * (centre - half)), percent(100 * (centre + half))],
    measured: { detected: measuredDetected, scored: measuredScored, score: percent((100 * measuredDetected) / measuredScored) },
    unmeasuredScoredEstimate: Math.round(unmeasuredScored),
    folderEstimate: percent(whole(p)),
    folderInterval95: [percent(whole(centre - half)), percent(whole(centre + half))],
  };
  // Kept with the plan, per suite choice: mutation-summary.mjs lists it under "Sampled estimates".
  plan.results = { ...plan.results, [result.suites]: result };
  writeFileSync(samplePath, `${JSON.stringify(plan, null, 1)}\n`);
  console.log(JSON.stringify(result, null, 1));
}
