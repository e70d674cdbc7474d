/**
 * The fast unit suites only, for mutation testing (`npm run mutate`): no build, no browsers, no
 * runtime children, so one Stryker run fits on a small shared machine.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Shortest suites first (vitest's default runs the longest first, to fill parallel workers). Stryker
 * runs one worker and stops at the first failing test, so a mutant that a quick unit test kills is
 * then decided without waiting for the end-to-end suites.
 */
class ShortestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return (await super.sort(files)).reverse();
  }
}

const ALL_SUITES = [
  'test/bad-input.test.ts',
  'test/bind-upload.test.ts',
  'test/chaos-faults.test.ts',
  'test/client.test.ts',
  'test/client-*.test.ts',
  'test/core-*.test.ts',
  'test/deferred-upload.test.ts',
  'test/emulator*.test.ts',
  'test/hooks.test.ts',
  'test/overall-percent.test.ts',
  'test/protocol-*.test.ts',
  'test/restrictions.test.ts',
  'test/signature.test.ts',
  'test/signing-smuggling.test.ts',
  'test/source.test.ts',
  'test/upload.test.ts',
  'test/upload-arguments.test.ts',
  'test/upload-auto-concurrency.test.ts',
  'test/upload-checkpoint.test.ts',
  'test/upload-lifecycle.test.ts',
];

/**
 * Each folder's own suites (named by its subject). `MUTATE_SUITES=own` judges the mutants of the
 * folders in `MUTATE` by these alone: a lower bound of the score, in a fraction of the time, since a
 * surviving mutant reruns every test that covers it, and on this machine the end-to-end suites make
 * that minutes per mutant.
 */
const OWN_SUITES: Record<string, string[]> = {
  protocol: ['test/protocol-*.test.ts', 'test/signature.test.ts', 'test/signing-smuggling.test.ts'],
  client: ['test/client.test.ts', 'test/client-*.test.ts'],
  core: [
    'test/core-*.test.ts',
    'test/bind-upload.test.ts',
    'test/deferred-upload.test.ts',
    'test/overall-percent.test.ts',
    'test/restrictions.test.ts',
    'test/source.test.ts',
    'test/upload.test.ts',
    'test/upload-arguments.test.ts',
    'test/upload-checkpoint.test.ts',
    'test/upload-auto-concurrency.test.ts',
    'test/upload-lifecycle.test.ts',
  ],
  emulator: ['test/emulator*.test.ts', 'test/chaos-faults.test.ts'],
};
const folders = (process.env.MUTATE ?? Object.keys(OWN_SUITES).join(',')).split(',').map((name) => name.trim());
const include = process.env.MUTATE_SUITES === 'own' ? folders.flatMap((name) => OWN_SUITES[name] ?? []) : ALL_SUITES;

export default defineConfig({
  test: {
    include,
    // The CLI's suite spawns processes: slow, and their coverage is not seen.
    exclude: [...configDefaults.exclude, 'test/emulator-cli.test.ts'],
    sequence: { sequencer: ShortestFirst },
    // Instrumented code on a loaded machine is several times slower than `npm test`.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
