/**
 * Runtime matrix, Chromium row: the browser scenario (test/runtimes/browser/suite.ts) in one headless Chromium
 * launch. Missing Chromium: the row is skipped with its install command (failed on CI).
 */
import { afterAll, describe } from 'vitest';
import { launchForMatrix, runtimeTitle } from './harness/matrix.js';
import { describeBrowserScenario } from './runtimes/browser/suite.js';

// Top level on purpose: the row's name carries the version and which Chromium ran (Debian or npm).
const browser = await launchForMatrix('chromium');
if (browser) {
  afterAll(() => browser.close());
  describe(runtimeTitle(browser), () => {
    describeBrowserScenario(browser);
  });
}
