/**
 * Runtime matrix, browser half: the shared scenario (new multi-part upload, instant upload of the
 * same bytes, abort at ~50 % then resume) in headless Chromium on a page served by Vite, against
 * the emulator on 127.0.0.1. The hasher must run in a real module Web Worker.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { drainParts } from './helpers/upload-stack.js';
import { DEV_CREDENTIALS, startEmulator } from '../src/emulator/index.js';
import { startBrowserHarness, type HarnessPage } from './harness/chromium.js';
import type { Connection, StepReport } from './runtimes/browser/main.js';

const MiB = 1048576;
// Top level on purpose: the describe name carries the version, and a missing Chromium fails the file.
const web = await startBrowserHarness({ root: 'test/runtimes/browser' });
const emu = await startEmulator({ port: 0 });
const connection: Connection = { endpoint: emu.endpoint, secretId: DEV_CREDENTIALS.secretId, secretKey: DEV_CREDENTIALS.secretKey };
let page: HarnessPage | undefined;

afterAll(async () => {
  await page?.close();
  await Promise.allSettled([web.close(), emu.close()]);
});

const drain = (): Promise<void> => drainParts(emu);

async function served(report: StepReport): Promise<void> {
  const response = await fetch(report.result.url);
  expect(response.status).toBe(200);
  const bytes = new Uint8Array(await response.arrayBuffer());
  expect(bytes.length).toBe(report.result.size);
  expect(createHash('sha1').update(bytes).digest('hex')).toBe(report.sha1);
}

describe(`runtime: Chromium ${web.version}`, () => {
  beforeEach(async () => {
    emu.emulator.faults.clear();
    await drain();
    emu.emulator.log.clear();
  });

  it('loads the page with the browser adapter and no errors', async () => {
    page = await web.open('/', { timeoutMs: 30_000 });
    await page.page.waitForFunction(() => 'vodRuntime' in window, null, { timeout: 30_000 });
    expect(page.errors).toEqual([]);
  });

  it('new upload of a multi-part file, hashed on a Web Worker', async () => {
    const p = page!;
    await p.evaluate(() => window.vodRuntime.makeFile('a', Math.round(3.5 * 1048576), 'clip.mp4'));
    const report = await p.evaluate((c) => window.vodRuntime.upload(c, 'a'), connection);
    expect(report.result).toMatchObject({ kind: 'new', partsSent: 4, size: Math.round(3.5 * MiB), sha1: report.sha1 });
    expect(['wasm', 'spark']).toContain(report.result.hashEngine);
    expect(report.workersCreated).toBeGreaterThanOrEqual(1);
    // Chromium itself (over CDP) lists the hasher's worker, whose global is a dedicated worker scope.
    const workers = p.page.workers();
    expect(workers.length).toBeGreaterThanOrEqual(1);
    expect(await workers[0]!.evaluate(() => globalThis.constructor.name)).toBe('DedicatedWorkerGlobalScope');
    expect(workers[0]!.url()).toContain('worker');
    expect(emu.emulator.log.count('UploadPart', 0)).toBe(4);
    expect(emu.emulator.log.count('FinishUpload', 0)).toBe(1);
    await served(report);
  });

  it('instant upload of the same bytes sends no part', async () => {
    const report = await page!.evaluate((c) => window.vodRuntime.upload(c, 'a', 'copy.mp4'), connection);
    expect(report.result).toMatchObject({ kind: 'instant', instant: true, partsSent: 0 });
    expect(emu.emulator.log.count('UploadPart')).toBe(0);
    expect(emu.emulator.log.count('InitUpload', 2)).toBe(1);
  });

  it('abort at ~50 % then resume: only the missing parts are sent', async () => {
    const p = page!;
    const size = 8 * MiB + 4321;
    await p.evaluate((n) => window.vodRuntime.makeFile('b', n, 'long.mp4'), size);
    emu.emulator.faults.add({ action: 'UploadPart', kind: 'delay', ms: 40, times: 100 });
    const aborted = await p.evaluate((c) => window.vodRuntime.uploadAndAbortHalfway(c, 'b'), connection);
    expect(aborted.error).toBe('ABORTED');
    expect(aborted.ackedBytes).toBeGreaterThanOrEqual(size / 2);
    await drain();
    const held = emu.emulator.log.count('UploadPart', 0);
    expect(held).toBeGreaterThanOrEqual(4);
    expect(held).toBeLessThan(9);
    emu.emulator.faults.clear();
    emu.emulator.log.clear();

    const report = await p.evaluate((c) => window.vodRuntime.upload(c, 'b'), connection);
    expect(report.result).toMatchObject({ kind: 'resumed', partsSkipped: held, partsSent: 9 - held });
    // The IndexedDB checkpoint spared the second hash.
    expect(report.result).toMatchObject({ hashedBytes: 0, hashEngine: 'checkpoint' });
    expect(emu.emulator.log.count('UploadPart', 0)).toBe(9 - held);
    expect(emu.emulator.log.count('FinishUpload', 0)).toBe(1);
    await served(report);
  });

  it('hashes on the worker with wasm (64 MiB) and with spark (16 MiB), speed logged', async () => {
    const p = page!;
    const wasm = await p.evaluate(() => window.vodRuntime.hashBench(64, 'wasm'));
    const spark = await p.evaluate(() => window.vodRuntime.hashBench(16, 'spark'));
    const inline = await p.evaluate(() => window.vodRuntime.hashBench(16, 'wasm', 'inline'));
    const line = (name: string, b: typeof wasm) => `${name} ${b.mib} MiB ${b.mbPerSecond} MB/s (${b.ms} ms)`;
    console.log(`Chromium ${web.version} hashing (SHA-1 + part MD5s): ${line('worker wasm', wasm)}; ${line('worker spark', spark)}; ${line('inline wasm', inline)}`);
    expect(wasm).toMatchObject({ engine: 'wasm', runner: 'worker' });
    expect(spark).toMatchObject({ engine: 'spark', runner: 'worker' });
    expect(inline).toMatchObject({ engine: 'wasm', runner: 'inline' });
    expect(p.errors).toEqual([]);
  }, 60_000);
});
