/**
 * The runtime matrix for a server runtime: the built package (dist/, via `import 'vod-upload'`)
 * runs the shared scenario in a real child process against an emulator started here. One test
 * file per runtime calls this, so vitest runs the runtimes in parallel. Needs `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { runScenarioIn, runtimeVersion, type ScenarioReport, type ServerRuntime } from './server-runtime-child.js';

export interface RuntimeExpectations {
  /** The hash engine that must run on the worker, and how the test names it. */
  engine: string;
  hasher: string;
}

export function serverRuntimeSuite(runtime: ServerRuntime, expected: RuntimeExpectations): void {
  describe(`runtime: ${runtimeVersion(runtime)}`, () => {
    let emu: RunningEmulator;
    let report: ScenarioReport;

    beforeAll(async () => {
      emu = await startEmulator({ port: 0 });
      report = await runScenarioIn(runtime, emu.origin, emu.credentials[0]!);
    }, 100_000);
    afterAll(async () => {
      await emu?.close();
    });

    it(`hashes ${expected.hasher}`, () => {
      expect(report.hasher).toMatchObject({ runner: 'worker', engine: expected.engine });
      // Proof from outside: 4 MiB or more hashed while the main thread was blocked.
      expect(report.hasher.progressWhileBlocked).toBeGreaterThanOrEqual(4 * 1048576);
    });
    it('new upload of a 4-part file: 4 UploadPart at the emulator, the served file has the same SHA-1', () => {
      expect(report.newUpload).toMatchObject({ kind: 'new', partsSent: 4, emulatorParts: 4, hashEngine: expected.engine });
    });
    it('instant upload of the same file: 0 UploadPart', () => {
      expect(report.instantUpload).toEqual({ kind: 'instant', emulatorParts: 0 });
    });
    it('abort at ~50 % then resume: only the missing parts are sent, nothing is hashed again', () => {
      expect(report.resume).toEqual({ partsBeforeAbort: 6, partsResent: 7, totalParts: 13, hashedBytes: 0 });
    });
  });
}
