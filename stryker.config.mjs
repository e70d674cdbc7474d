// Mutation testing of the library's core folders: `npm run mutate` (all four) or
// `MUTATE=protocol npm run mutate` (one or more, comma-separated). Not part of `npm test`.
// Each folder keeps its own incremental file, so a rerun retests only what changed.
const FOLDERS = ['protocol', 'core', 'client', 'emulator'];
const chosen = (process.env.MUTATE ?? FOLDERS.join(','))
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean);
for (const name of chosen) if (!FOLDERS.includes(name)) throw new Error(`MUTATE: expected some of ${FOLDERS.join(', ')}, got "${name}"`);
// MUTATE_SUITES=own: each folder judged by its own suites only (vitest.mutate.config.ts), kept apart.
// MUTATE_FILES + MUTATE_PART: one part of a folder (a comma-separated list of its files), with its own
// incremental file, report and sandbox, so a folder too big for one sitting is measured in parts that each finish.
const files = process.env.MUTATE_FILES?.split(',')
  .map((file) => file.trim())
  .filter(Boolean);
const part = process.env.MUTATE_PART;
if ((files === undefined) !== (part === undefined)) throw new Error('MUTATE_FILES and MUTATE_PART go together');
if (part !== undefined && !/^[a-z0-9-]+$/.test(part)) throw new Error(`MUTATE_PART: expected [a-z0-9-]+, got "${part}"`);
for (const file of files ?? []) {
  if (!chosen.some((name) => file.startsWith(`src/${name}/`)))
    throw new Error(`MUTATE_FILES: ${file} is not in src/${chosen.join(', src/')}`);
}
// MUTATE_SAMPLE=<folder>-<seed>: a sampled run (scripts/mutation-sample.mjs); its ignorer keeps the ranges to the sampled nodes.
const sample = process.env.MUTATE_SAMPLE;
if (sample !== undefined && part !== `sample-${sample.split('-').at(-1)}`)
  throw new Error('MUTATE_SAMPLE=<folder>-<seed> goes with MUTATE_PART=sample-<seed>');
const tag = `${chosen.join('+')}${process.env.MUTATE_SUITES === 'own' ? '-own' : ''}${part ? `.${part}` : ''}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // related: false: every listed suite runs in the dry run. Vitest's `related` follows static imports
  // only, and the adapters reach the core's upload through a dynamic import (the deferred engine), so
  // with it the upload suites never ran for src/core/upload.ts (104 of the own suites' tests did).
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  mutate: files ?? chosen.map((name) => `src/${name}/**/*.ts`),
  coverageAnalysis: 'perTest',
  ...(sample ? { plugins: ['@stryker-mutator/*', './scripts/mutation-sample-ignorer.mjs'], ignorers: ['sample'] } : {}),
  // The machine is shared: at most two test processes (override with --concurrency).
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 2),
  // Generous: on a loaded shared machine a mutant's covering tests can take several times their dry-run time,
  // and a false time-out both counts as a kill and restarts the worker (a fresh vitest, the slowest step here).
  timeoutMS: 30_000,
  timeoutFactor: 3,
  // The first run of every suite, on a loaded shared machine, can take minutes.
  dryRunTimeoutMinutes: 30,
  // Static mutants (module-level code: schemas, tables) would each rerun every test: far too slow
  // here. They are reported as ignored, outside the score.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: `mutation/incremental-${tag}.json`,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `reports/mutation/${tag}.json` },
  tempDirName: part ? `.stryker-tmp-${tag}` : '.stryker-tmp',
  // Another run's sandbox (`--tempDirName .stryker-tmp-client`, to run two folders at once) is not project code.
  ignorePatterns: ['/.stryker-tmp*'],
  cleanTempDir: 'always',
};
