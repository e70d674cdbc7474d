/**
 * The browser scenario of the runtime matrix, the same in every engine: new multi-part upload,
 * instant upload of the same bytes, abort at ~50 % then resume after a page reload (the IndexedDB
 * checkpoint spares the second hash), hashing seen on a Web Worker from outside the library, and
 * hashing speed logged. Against the emulator on 127.0.0.1; the page is served by Vite.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEV_CREDENTIALS, startEmulator } from '../../../src/emulator/index.js';
import { serveVite, type ServedSite } from '../../harness/chromium.js';
import type { EngineBrowser, EnginePage } from '../../harness/engine.js';
import { settle } from '../../helpers/settle.js';
import type { Connection, StepReport } from './main.js';
import { workerProbe } from './worker-probe.js';

const MiB = 1048576;

/** Registers the scenario's tests for `browser` (call inside the engine's matrix row). */
export function describeBrowserScenario(browser: EngineBrowser): void {
  const probe = workerProbe();
  let site: ServedSite;
  let emu: Awaited<ReturnType<typeof startEmulator>>;
  let connection: Connection;
  let page: EnginePage | undefined;
  const tag = `[${browser.engine}]`;

  beforeAll(async () => {
    [site, emu] = await Promise.all([
      serveVite({ root: 'test/runtimes/browser', vite: { plugins: [probe.plugin] } }),
      startEmulator({ port: 0 }),
    ]);
    connection = { endpoint: emu.endpoint, secretId: DEV_CREDENTIALS.secretId, secretKey: DEV_CREDENTIALS.secretKey };
  }, 60_000);

  afterAll(async () => {
    await page?.close().catch(() => undefined);
    await Promise.allSettled([site?.close(), emu?.close()]);
  });

  const served = async (report: StepReport): Promise<void> => {
    const response = await fetch(report.result.url);
    expect(response.status).toBe(200);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(bytes.length).toBe(report.result.size);
    expect(createHash('sha1').update(bytes).digest('hex')).toBe(report.sha1);
  };

  describe('upload scenario', () => {
    beforeEach(async () => {
      emu.emulator.faults.clear();
      await settle(emu);
      emu.emulator.log.clear();
    });

    it('loads the page with the browser adapter and no errors', async () => {
      // The first load compiles the page's modules in Vite's dev server: on a loaded machine that
      // alone took over 30 s in WebKit, so the budget here is the page's, not the default test's.
      page = await browser.open(site.url('/'), { timeoutMs: 100_000 });
      await page.waitFor(() => 'vodRuntime' in window, 100_000);
      expect(await page.errors()).toEqual([]);
    }, 210_000);

    it('new upload of a multi-part file, hashed on a Web Worker (seen from outside)', async () => {
      const p = page!;
      const size = Math.round(3.5 * MiB);
      await p.evaluate((n) => window.vodRuntime.makeFile('a', n, 'clip.mp4'), size);
      const report = await p.evaluate((c) => window.vodRuntime.upload(c, 'a'), connection);
      expect(report.result).toMatchObject({ kind: 'new', partsSent: 4, size, sha1: report.sha1 });
      expect(['wasm', 'spark']).toContain(report.result.hashEngine);
      expect(report.workersCreated).toBeGreaterThanOrEqual(1);
      // The worker script, as served, reported a job of this size and its result from a worker scope.
      await expect
        .poll(() => probe.sightings.filter((s) => s.event === 'done' && s.bytesHashed === size).length, { timeout: 5_000 })
        .toBe(1);
      expect(probe.sightings.filter((s) => s.size === size)).toEqual([{ scope: 'DedicatedWorkerGlobalScope', event: 'job', size }]);
      expect(probe.sightings.find((s) => s.event === 'done')?.scope).toBe('DedicatedWorkerGlobalScope');
      // Where the automation protocol lists workers (CDP, BiDi), the hasher's is there too.
      const listed = p.workerUrls();
      if (listed !== undefined) expect(listed.some((url) => url.includes('/src/adapters/browser/hash-worker.ts'))).toBe(true);
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

    it('abort at ~60 %, reload the page, resume: only the missing parts are sent, no second hash (IndexedDB checkpoint)', async () => {
      const p = page!;
      const size = 8 * MiB + 4321;
      const seed = 0x5eed;
      await p.evaluate(([n, s]) => window.vodRuntime.makeFile('b', n, 'long.mp4', s), [size, seed] as const);
      // Parts 0–4 land; part 5 hangs at the emulator (never stored) until the abort cuts it. The
      // abort waits for that request to have arrived: a browser may send a part late (WebKit
      // did), and a late part landing after the count would make the numbers a race.
      emu.emulator.faults.add({ action: 'UploadPart', kind: 'hang', offset: 5 * MiB, times: 1 });
      await p.evaluate((c) => window.vodRuntime.startUpload(c, 'b'), connection);
      const hung = () => emu.emulator.log.entries().some((entry) => entry.action === 'UploadPart' && entry.fault === 'hang');
      await expect.poll(hung, { timeout: 20_000, interval: 20 }).toBe(true);
      const aborted = await p.evaluate(() => window.vodRuntime.abortUpload('b'));
      // Progress events are throttled (≤ 10/s): the latest acks may still be unreported at the
      // abort, so the page's figure lags (≤ 5 MiB). The emulator's count below is exact.
      expect(aborted.error).toBe('ABORTED');
      expect(aborted.ackedBytes).toBeLessThanOrEqual(5 * MiB);
      await settle(emu);
      expect(emu.emulator.log.count('UploadPart', 0)).toBe(5);
      // The checkpoint is in IndexedDB itself (read with the raw API), not in the page's memory.
      expect(await p.evaluate(() => window.vodRuntime.storedCheckpoints())).toBeGreaterThanOrEqual(1);
      emu.emulator.log.clear();

      // A reload drops every object of the page: only IndexedDB remembers the upload.
      await p.reload();
      await p.waitFor(() => 'vodRuntime' in window, 30_000);
      await p.evaluate(([n, s]) => window.vodRuntime.makeFile('b', n, 'long.mp4', s), [size, seed] as const);
      const sightingsBefore = probe.sightings.length;
      const report = await p.evaluate((c) => window.vodRuntime.upload(c, 'b'), connection);
      expect(report.result).toMatchObject({ kind: 'resumed', partsSkipped: 5, partsSent: 4 });
      expect(report.result).toMatchObject({ hashedBytes: 0, hashEngine: 'checkpoint' });
      // No job of the whole file reached the worker (parts being sent may be hashed one by one).
      expect(probe.sightings.slice(sightingsBefore).filter((s) => s.event === 'job' && s.size === size)).toEqual([]);
      expect(
        emu.emulator.log
          .entries()
          .filter((entry) => entry.action === 'UploadPart' && entry.code === 0)
          .map((entry) => entry.offset)
          .sort((a, b) => a! - b!),
      ).toEqual([5, 6, 7, 8].map((n) => n * MiB));
      expect(emu.emulator.log.count('FinishUpload', 0)).toBe(1);
      await served(report);
      expect(await p.errors()).toEqual([]);
    });

    it('hashes 9 MiB on the worker with wasm: the same SHA-1 as WebCrypto, the same part MD5s as spark', async () => {
      const hashed = await page!.evaluate(() => window.vodRuntime.workerHash(9));
      expect(hashed).toMatchObject({ runner: 'worker', engine: 'wasm', sha1Matches: true, md5sMatch: true, parts: 10, threads: 1 });
    });

    it('hashes 20 MiB + 12345 bytes on two piped workers (threads: 2): the same SHA-1 and part MD5s, both jobs seen on workers', async () => {
      const size = 20 * MiB + 12345;
      const hashed = await page!.evaluate(() => window.vodRuntime.workerHash(20, 2));
      expect(hashed).toMatchObject({
        runner: 'worker',
        engine: 'wasm',
        sha1Matches: true,
        md5sMatch: true,
        parts: 21,
        threads: 2,
        piped: true,
      });
      // Both pipeline workers are the hash worker script, each a worker scope (the probe wraps it).
      const jobs = probe.sightings.filter((s) => s.event === 'job' && s.size === size);
      expect(jobs).toEqual([0, 1].map(() => ({ scope: 'DedicatedWorkerGlobalScope', event: 'job', size })));
    }, 60_000);

    it('by default, 20 MiB go to the pipeline where the engine has 2+ cores and cheap transfers, else to one worker: same hashes', async () => {
      const hashed = await page!.evaluate(() => window.vodRuntime.workerHash(20));
      const pipelined = hashed.cores >= 2 && hashed.cheapTransfers;
      console.log(
        `${tag} ${browser.label}: ${hashed.cores} cores, cheap transfers ${hashed.cheapTransfers}: default ${pipelined ? 'two piped workers' : 'one worker'}`,
      );
      expect(hashed).toMatchObject({ runner: 'worker', engine: 'wasm', sha1Matches: true, md5sMatch: true, parts: 21 });
      expect(hashed).toMatchObject(pipelined ? { threads: 2, piped: true } : { threads: 1, piped: false });
    }, 60_000);

    it('hashes on the worker with wasm (16 MiB) and with spark (4 MiB), speed logged (figures: npm run bench -- browser)', async () => {
      const p = page!;
      const wasm = await p.evaluate(() => window.vodRuntime.hashBench(16, 'wasm'));
      const spark = await p.evaluate(() => window.vodRuntime.hashBench(4, 'spark'));
      const inline = await p.evaluate(() => window.vodRuntime.hashBench(4, 'wasm', 'inline'));
      const line = (name: string, b: typeof wasm) => `${name} ${b.mib} MiB ${b.mbPerSecond} MB/s (${b.ms} ms)`;
      console.log(
        `${tag} ${browser.label} hashing (SHA-1 + part MD5s): ${line('worker wasm', wasm)}; ${line('worker spark', spark)}; ${line('inline wasm', inline)}`,
      );
      expect(wasm).toMatchObject({ engine: 'wasm', runner: 'worker' });
      expect(spark).toMatchObject({ engine: 'spark', runner: 'worker' });
      expect(inline).toMatchObject({ engine: 'wasm', runner: 'inline' });
      expect(await p.errors()).toEqual([]);
    }, 90_000);
  });
}
