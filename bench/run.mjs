// `npm run bench`: figures, each the median (min–max) of interleaved repetitions, as a ratio to a
// baseline measured in the same repetition; then tables that run on their own. Writes
// bench/results.json (figure, value, baseline, ratio, goal, met; `complete` once every repetition
// ran) and bench/throughput.svg. Needs `npm run build` (it measures dist/).
//
//   npm run bench                      the six figures of issue 10 (3 reps; sizes in issue10.mjs)
//   BENCH_FIGURES=ingest,cpu npm run bench     only those figures / tables (keys below)
//   BENCH_REPS=5 BENCH_MIB=512 BENCH_BIG_MIB=2048 BENCH_INGEST_PARTS=256 npm run bench
//   BENCH_OUT=results-small npm run bench       into bench/results-small.json
//   npm run bench -- hash|proxy|upload|browser  one older benchmark or one table alone
//
// Adding a figure: a definition in a module like issue10.mjs, listed in `figureSets`. Adding a
// table (its own process, its own section of results.json): one line in `tables`; `optIn`
// tables run only when BENCH_FIGURES names them, so they do not lengthen the default run.
//
// Benchmarks are not tests: on a shared machine the numbers move; the ratios are what to read.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { throughputChart } from './chart.mjs';
import { cleanup, workdir } from './figures.mjs';
import { issue10Figures, issue10Sizes } from './issue10.mjs';
import { MiB, summarize } from './lib.mjs';

/** Tables: a script run in its own process after the figures, writing its `section` of results.json. */
const tables = [
  // Issue 13: browser hashing ÷ File read, per engine. Minutes per engine on this machine (9 at
  // load 13), so not in the default run: `npm run bench -- browser` or BENCH_FIGURES=browser.
  { key: 'browser', script: 'browser-run.mjs', section: 'browserHashing', optIn: true },
  // Issue 17: concurrency 'auto' vs fixed on emulated links (bench/link.mjs); minutes: opt-in.
  { key: 'link', script: 'link.mjs', section: 'linkTable', optIn: true },
];
const legacy = { hash: 'hash-legacy.mjs', proxy: 'proxy-memory.mjs', upload: 'upload-memory.mjs' };

const only = process.argv[2];
if (only) {
  const script = legacy[only] ?? tables.find((table) => table.key === only)?.script;
  if (!script) throw new Error(`unknown benchmark ${only}: ${[...Object.keys(legacy), ...tables.map((table) => table.key)].join(', ')}`);
  const result = spawnSync(
    process.execPath,
    ['--expose-gc', fileURLToPath(new URL(script, import.meta.url)), process.env.BENCH_MIB ?? '256'],
    { stdio: 'inherit' },
  );
  process.exit(result.status ?? 1);
}
if (!existsSync(new URL('../dist/node.js', import.meta.url))) throw new Error('run `npm run build` first: the benchmark measures dist/');

const reps = Number(process.env.BENCH_REPS ?? 3);
const sizes = issue10Sizes();
const figureSets = [issue10Figures(sizes)];
const chosen = process.env.BENCH_FIGURES?.split(',').filter(Boolean);
const known = [...figureSets.flat().map((figure) => figure.key), ...tables.map((table) => table.key)];
const unknown = chosen?.filter((key) => !known.includes(key)) ?? [];
if (unknown.length > 0) throw new Error(`BENCH_FIGURES: unknown ${unknown.join(', ')}; known: ${known.join(', ')}`);
const figures = figureSets.flat().filter((figure) => !chosen || chosen.includes(figure.key));
const chosenTables = tables.filter((table) => (chosen ? chosen.includes(table.key) : !table.optIn));

const began = performance.now();
const elapsed = () => (performance.now() - began) / 1000;
const log = (text) => console.log(`[${elapsed().toFixed(0).padStart(4)} s] ${text}`);
const load = () => loadavg().map((value) => Number(value.toFixed(2)));
const loadAtStart = load();

log(`load average ${loadAtStart.join(', ')} (${cpus().length} cores); files in ${workdir}`);
log(
  `${reps} interleaved repetitions of ${figures.map((figure) => figure.key).join(', ') || 'no figure'}; sizes ${JSON.stringify(Object.fromEntries(Object.entries(sizes).map(([key, value]) => [key, key === 'ingestParts' ? value : `${value / 1048576} MiB`])))}`,
);

const repsOf = new Map(figures.map((figure) => [figure.key, []]));
const fmt = (value) => (Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2));
const summaries = () =>
  figures
    .filter((figure) => repsOf.get(figure.key).length > 0)
    .map((figure) => {
      const runs = repsOf.get(figure.key);
      const summary = summarize(runs);
      return {
        key: figure.key,
        figure: figure.figure,
        unit: figure.unit,
        value: summary.value,
        valueRange: summary.valueRange,
        baseline: summary.baseline,
        baselineRange: summary.baselineRange,
        ratio: summary.ratio,
        ratioRange: summary.ratioRange,
        goal: figure.goal,
        met: figure.met(summary, runs),
        reps: summary.reps,
        runs: runs.map(({ detail, ...numbers }) => ({ ...numbers, detail })),
      };
    });

/** Written after every repetition, so a run cut short still leaves what it measured. */
const save = (complete, figureSeconds) => {
  const results = summaries();
  const out = {
    date: new Date().toISOString(),
    node: process.version,
    cores: cpus().length,
    loadAverage: { start: loadAtStart, end: load() },
    reps,
    complete,
    seconds: Math.round(figureSeconds ?? elapsed()),
    sizes: {
      fileMiB: sizes.size / MiB,
      cpuFileMiB: sizes.cpuSize / MiB,
      resumeFileMiB: sizes.resumeSize / MiB,
      sparseMiB: sizes.bigSize / MiB,
      ingestParts: sizes.ingestParts,
    },
    figures: results,
  };
  const name = process.env.BENCH_OUT ?? 'results';
  // Tables' sections (browserHashing, …) are theirs: kept as they are.
  try {
    const earlier = JSON.parse(readFileSync(new URL(`./${name}.json`, import.meta.url), 'utf8'));
    for (const { section } of tables) if (section && earlier[section] !== undefined) out[section] = earlier[section];
  } catch {
    // no earlier file
  }
  writeFileSync(new URL(`./${name}.json`, import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
  const throughput = results.filter((r) => r.unit === 'MiB/s');
  if (throughput.length > 0 && !process.env.BENCH_OUT)
    writeFileSync(new URL('./throughput.svg', import.meta.url), throughputChart(throughput));
  return results;
};

let results = [];
let figureSeconds;
if (figures.length > 0) {
  try {
    for (let rep = 1; rep <= reps; rep++) {
      for (const figure of figures) {
        const result = await figure.measure();
        repsOf.get(figure.key).push(result);
        log(`rep ${rep}/${reps} ${figure.key}: ${result.detail}`);
      }
      save(false);
    }
  } finally {
    cleanup();
  }
  figureSeconds = elapsed();
  results = save(true, figureSeconds);

  console.log(
    `\n${reps} interleaved repetitions in ${figureSeconds.toFixed(0)} s; median (min–max). Load average ${loadAtStart.join(', ')} at the start, ${load().join(', ')} at the end; ${cpus().length} cores.\n`,
  );
  console.log('| figure | value | baseline | ratio | goal | met |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results) {
    const range = (pair) => `(${fmt(pair[0])}–${fmt(pair[1])})`;
    console.log(
      `| ${r.figure} | ${fmt(r.value)} ${range(r.valueRange)} ${r.unit} | ${fmt(r.baseline)} ${range(r.baselineRange)} ${r.unit} | ${fmt(r.ratio)}× ${range(r.ratioRange)} | ${r.goal} | ${r.met === null ? '—' : r.met ? 'yes' : 'NO'} |`,
    );
  }
  const resume = repsOf.get('resume');
  if (resume) console.log(`\nre-hashed after SIGKILL: ${resume.map((rep) => `${rep.rehashedMiB} MiB`).join(', ')}`);
  log('figures done');
}

for (const table of chosenTables) {
  log(`table ${table.key} (bench/${table.script})`);
  const run = spawnSync(process.execPath, [fileURLToPath(new URL(table.script, import.meta.url))], { stdio: 'inherit' });
  if (run.status !== 0) process.exitCode = run.status ?? 1;
}
if (chosenTables.length > 0) log('done');
