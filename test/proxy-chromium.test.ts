/**
 * In headless Chromium, a page with no secret uploads through the remote signer and through the
 * upload proxy (test/runtimes/proxy/suite.ts; Firefox and WebKit run it in their runtime files).
 */
import { afterAll, describe } from 'vitest';
import { launchEngine } from './harness/engine.js';
import { describeSecretFreePage } from './runtimes/proxy/suite.js';

// Top level on purpose: a missing Chromium fails the file with the install hint.
const browser = await launchEngine('chromium');
afterAll(() => browser.close());

describe(`${browser.label} (${browser.source})`, () => {
  describeSecretFreePage(browser);
});
