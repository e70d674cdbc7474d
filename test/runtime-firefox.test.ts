/**
 * Runtime matrix, Firefox row: the browser scenario (test/runtimes/browser/suite.ts), the
 * secret-free page (remote signer, proxy) and the playground flow, in one headless Firefox
 * launch. Missing Firefox: the row is skipped with its install command (failed on CI).
 */
import { afterAll, describe } from 'vitest';
import { launchForMatrix, runtimeTitle } from './harness/matrix.js';
import { describeBrowserScenario } from './runtimes/browser/suite.js';
import { describeSecretFreePage } from './runtimes/proxy/suite.js';
import { describePlaygroundFlow } from './runtimes/browser/playground-flow.js';

// Top level on purpose: the row's name carries the version; one launch serves the whole file.
const browser = await launchForMatrix('firefox');
if (browser) {
  afterAll(() => browser.close());
  describe(runtimeTitle(browser), () => {
    describeBrowserScenario(browser);
    describeSecretFreePage(browser);
    describePlaygroundFlow(browser);
  });
}
