/**
 * Runtime-matrix rows for the browser engines. A test file asks for its engine; when the engine
 * is missing, its row is registered as skipped with the install command (locally) or as a failing
 * test (in CI, `CI=true`), and the file runs nothing else.
 */
import { describe, it } from 'vitest';
import { launchEngine, type EngineBrowser } from './engine.js';
import { ENGINE_LABELS, engineAvailable, missingEngineMessage, type EngineName } from './engines.js';

export const RUNTIME_PREFIX = 'runtime: ';

/** True on CI (the runner sets CI=true). */
export function onCi(): boolean {
  return ['true', '1'].includes((process.env.CI ?? '').toLowerCase());
}

/** The matrix row's name: engine, version and where the binary came from. */
export function runtimeTitle(browser: EngineBrowser): string {
  const from =
    browser.engine === 'chromium' ? browser.source : browser.engine === 'firefox' ? 'Debian firefox-esr' : 'Debian WebKitGTK, MiniBrowser';
  return `${RUNTIME_PREFIX}${browser.label} (${from})`;
}

/** Launches `engine`, or registers its row as skipped (failed on CI) and returns undefined. */
export async function launchForMatrix(engine: EngineName): Promise<EngineBrowser | undefined> {
  if (await engineAvailable(engine)) return launchEngine(engine);
  const message = missingEngineMessage(engine);
  if (onCi()) {
    describe(`${RUNTIME_PREFIX}${ENGINE_LABELS[engine]}`, () => {
      it('is installed (CI needs every engine)', () => {
        throw new Error(message);
      });
    });
  } else {
    describe(`${RUNTIME_PREFIX}${ENGINE_LABELS[engine]} — ${message}`, () => {
      it.skip('runs the browser scenario', () => undefined);
    });
  }
  return undefined;
}
