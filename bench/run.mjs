// `npm run bench`: the six figures of issue 10, each the median (min–max) of interleaved
// repetitions, as a ratio to a baseline measured in the same repetition. Writes
// bench/results.json and bench/throughput.svg. Needs `npm run build` (it measures dist/).
//
//   npm run bench                      the six figures (BENCH_REPS=3, 1 GiB and 5 GiB files)
//   BENCH_REPS=5 BENCH_MIB=512 BENCH_BIG_MIB=2048 BENCH_INGEST_PARTS=256 npm run bench
//   BENCH_FIGURES=rss BENCH_OUT=results-rss npm run bench   some figures, into another file
//   npm run bench -- hash|proxy|upload the older single benchmarks
//   npm run bench -- browser           browser hashing ÷ File read, per engine (bench/browser.ts;
//                                      also run at the end of a full run)
//
// Benchmarks are not tests: on a shared machine the numbers move; the ratios are what to read.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { throughputChart } from './chart.mjs';
import { cleanup, clientCpuPerPart, cliPeakRss, cliUpload, emulatorIngest, nodeHashing, randomFile, resumeAfterKill, sparseFile, workdir } from './figures.mjs';
import { MiB, nativeHash, summarize } from './lib.mjs';

const only = process.argv[2];
if (only) {
  const legacy = { hash: 'hash-legacy.mjs', proxy: 'proxy-memory.mjs', upload: 'upload-memory.mjs', browser: 'browser-run.mjs' }[only];
  if (!legacy) throw new Error(`unknown benchmark ${only}: hash, proxy, upload or browser`);
  const result = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(new URL(legacy, import.meta.url)), process.env.BENCH_MIB ?? '256'], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
if (!existsSync(new URL('../dist/node.js', import.meta.url))) throw new Error('run `npm run build` first: the benchmark measures dist/');

const reps = Number(process.env.BENCH_REPS ?? 3);
const size = Number(process.env.BENCH_MIB ?? 1024) * MiB;
const cpuSize = Math.min(size, 256 * MiB);
const bigSize = Number(process.env.BENCH_BIG_MIB ?? 5120) * MiB;
const ingestParts = Number(process.env.BENCH_INGEST_PARTS ?? 1024);
const began = performance.now();
const log = (text) => console.log(`[${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${text}`);

log(`files in ${workdir}: ${size / MiB} MiB random, ${cpuSize / MiB} MiB random, ${bigSize / MiB} MiB sparse`);
const wanted = (key) => !process.env.BENCH_FIGURES || process.env.BENCH_FIGURES.split(',').includes(key);
const path = wanted('cli') || wanted('hash') || wanted('resume') ? await randomFile('bench.mp4', size) : '';
const hashes = wanted('cli') ? await nativeHash(path, size) : undefined;
const cpuPath = wanted('cpu') ? await randomFile('cpu.mp4', cpuSize) : '';
const cpuHashesPath = `${workdir}/cpu-hashes.json`;
if (wanted('cpu')) writeFileSync(cpuHashesPath, JSON.stringify(await nativeHash(cpuPath, cpuSize)));
const sparse = wanted('rss') ? await sparseFile('sparse.mp4', bigSize) : undefined;

const figures = [
  { key: 'ingest', figure: `emulator ingest (${ingestParts} × 1 MiB UploadPart + Finish, 4 in flight) ÷ drain-only server`, unit: 'MiB/s', goal: '≥ 0.6×', met: (s) => s.ratio >= 0.6, measure: () => emulatorIngest(ingestParts) },
  { key: 'cpu', figure: 'client CPU per 1 MiB part: upload(openFile()) ÷ raw fetch of Blob slices of the same file', unit: 'ms/part', goal: '≤ 1.3×', met: (s) => s.ratio <= 1.3, measure: () => clientCpuPerPart(cpuPath, cpuHashesPath) },
  { key: 'cli', figure: `${size / MiB} MiB CLI upload ÷ floor (native one-thread hash + fixed client's raw parts)`, unit: 'MiB/s', goal: '≥ 0.8×', met: (s) => s.ratio >= 0.8, measure: () => cliUpload(path, size, hashes) },
  { key: 'hash', figure: `Node default hashing of ${size / MiB} MiB ÷ native node:crypto, one thread`, unit: 'MiB/s', goal: '≥ 1.3×', met: (s) => s.ratio >= 1.3, measure: () => nodeHashing(path, size) },
  { key: 'rss', figure: `peak RSS of the CLI uploading ${bigSize / MiB} MiB (sparse), baseline a bare node`, unit: 'MiB', goal: '≤ 120 MiB', met: (s) => s.value <= 120, measure: () => cliPeakRss(sparse) },
  { key: 'resume', figure: `resume after SIGKILL at ~50 %: MiB re-sent ÷ concurrency × part; MiB re-hashed`, unit: 'MiB', goal: '≤ 1× and 0 re-hashed', met: (s, reps) => s.ratio <= 1 && reps.every((rep) => rep.rehashedMiB === 0), measure: () => resumeAfterKill(path, size) },
];

// BENCH_FIGURES=rss,resume runs only those (e.g. the 5 GiB RSS check on its own).
const chosen = process.env.BENCH_FIGURES?.split(',');
if (chosen) figures.splice(0, figures.length, ...figures.filter((figure) => chosen.includes(figure.key)));
const repsOf = new Map(figures.map((figure) => [figure.key, []]));
const fmt = (value) => (Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2));
const summaries = () =>
  figures.map((figure) => {
    const runs = repsOf.get(figure.key);
    const summary = summarize(runs);
    return {
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
const save = (complete) => {
  const results = summaries();
  const out = { date: new Date().toISOString(), node: process.version, reps, complete, seconds: Math.round((performance.now() - began) / 1000), sizes: { fileMiB: size / MiB, cpuFileMiB: cpuSize / MiB, sparseMiB: bigSize / MiB }, figures: results };
  const name = process.env.BENCH_OUT ?? 'results';
  // The browser bench's section (bench/browser.ts) is its own: kept as it is.
  try {
    const kept = JSON.parse(readFileSync(new URL(`./${name}.json`, import.meta.url), 'utf8')).browserHashing;
    if (kept) out.browserHashing = kept;
  } catch {
    // no earlier file
  }
  writeFileSync(new URL(`./${name}.json`, import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
  const throughput = results.filter((r) => r.unit === 'MiB/s' && r.reps > 0);
  if (throughput.length > 0) writeFileSync(new URL('./throughput.svg', import.meta.url), throughputChart(throughput));
  return results;
};

try {
  for (let rep = 1; rep <= reps; rep++) {
    for (const figure of figures) {
      const result = await figure.measure();
      repsOf.get(figure.key).push(result);
      log(`rep ${rep}/${reps} ${figure.key}: ${result.detail}`);
    }
    save(rep === reps);
  }
} finally {
  cleanup();
}
const results = save(true);

console.log(`\n${reps} interleaved repetitions; median (min–max). Machine: ${(await import('node:os')).cpus().length} cores, shared (numbers are noisy).\n`);
console.log('| figure | value | baseline | ratio | goal | met |');
console.log('|---|---|---|---|---|---|');
for (const r of results) {
  const range = (pair) => `(${fmt(pair[0])}–${fmt(pair[1])})`;
  console.log(`| ${r.figure} | ${fmt(r.value)} ${range(r.valueRange)} ${r.unit} | ${fmt(r.baseline)} ${range(r.baselineRange)} ${r.unit} | ${fmt(r.ratio)}× ${range(r.ratioRange)} | ${r.goal} | ${r.met ? 'yes' : 'NO'} |`);
}
const resume = repsOf.get('resume');
if (resume) console.log(`\nre-hashed after SIGKILL: ${resume.map((rep) => `${rep.rehashedMiB} MiB`).join(', ')}`);
log('done');

// The browser table (issue 13) runs last: it merges its own section into results.json.
if (wanted('browser')) {
  log('browser hashing (bench/browser.ts)');
  const browser = spawnSync(process.execPath, [fileURLToPath(new URL('browser-run.mjs', import.meta.url))], { stdio: 'inherit' });
  if (browser.status !== 0) process.exitCode = browser.status ?? 1;
}
