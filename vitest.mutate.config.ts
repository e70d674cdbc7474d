/**
 * The fast unit suites only, for mutation testing (`npm run mutate`): no build, no browsers, no
 * runtime children, so one Stryker run fits on a small shared machine.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/bind-upload.test.ts',
      'test/chaos-faults.test.ts',
      'test/client.test.ts',
      'test/client-early-answer.test.ts',
      'test/core-*.test.ts',
      'test/emulator.test.ts',
      'test/emulator-bounds.test.ts',
      'test/emulator-disk.test.ts',
      'test/emulator-http.test.ts',
      'test/emulator-running-sha1.test.ts',
      'test/overall-percent.test.ts',
      'test/restrictions.test.ts',
      'test/signature.test.ts',
      'test/source.test.ts',
      'test/upload.test.ts',
      'test/upload-lifecycle.test.ts',
    ],
    // Instrumented code on a loaded machine is several times slower than `npm test`.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
