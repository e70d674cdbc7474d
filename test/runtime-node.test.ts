/**
 * The runtime matrix, Node: the built package (dist/, via `import 'vod-upload'`) runs the shared
 * scenario in a real Node child process against an emulator started here.
 * Needs `npm run build` first (`npm test` does it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import { runScenarioIn, runtimeVersion, type ScenarioReport } from './runtimes/server-runtime-child.js';

const version = runtimeVersion('node');

describe(`runtime: ${version}`, () => {
  let emu: RunningEmulator;
  let report: ScenarioReport;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0 });
    const credential = emu.credentials[0]!;
    report = await runScenarioIn('node', emu.origin, credential);
  }, 100_000);
  afterAll(async () => {
    await emu?.close();
  });

  it('hashes on a worker thread with node:crypto', () => {
    expect(report.hasher).toEqual({ runner: 'worker', engine: 'node' });
  });
  it('new upload of a 4-part file: 4 UploadPart at the emulator, the served file has the same SHA-1', () => {
    expect(report.newUpload).toMatchObject({ kind: 'new', partsSent: 4, emulatorParts: 4, hashEngine: 'node' });
  });
  it('instant upload of the same file: 0 UploadPart', () => {
    expect(report.instantUpload).toEqual({ kind: 'instant', emulatorParts: 0 });
  });
  it('abort at ~50 % then resume: only the missing parts are sent, nothing is hashed again', () => {
    expect(report.resume).toEqual({ partsBeforeAbort: 6, partsResent: 7, totalParts: 13, hashedBytes: 0 });
  });
});
