/**
 * The playground flow in any engine: the page as `npm start` serves it (emulator + Vite + the
 * signing route), two files picked from disk in the file input (file-backed Files, as a person's
 * would be), one paused mid-upload and resumed, then picked again for an instant upload; the
 * emulator is asked for the bytes. (test/playground.test.ts runs the richer Chromium version,
 * with a recorded video played back and screenshots.)
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayground, type RunningPlayground } from '../../../playground/server.js';
import { DEV_CREDENTIALS } from '../../../src/emulator/index.js';
import { REPO_ROOT } from '../../harness/chromium.js';
import type { EngineBrowser, EnginePage } from '../../harness/engine.js';

const MiB = 1048576;

/** What the test reads of one upload card. */
interface Card {
  status: string | null;
  sent: number;
  badge: string | null;
  url: string | null;
}

/** Registers the playground flow's test for `browser`. */
export function describePlaygroundFlow(browser: EngineBrowser): void {
  let playground: RunningPlayground;
  let page: EnginePage | undefined;
  let dir: string;
  const cacheDir = join(REPO_ROOT, 'node_modules', '.vite', `playground-${browser.engine}-${process.pid}`);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `vod-playground-${browser.engine}-`));
    playground = await startPlayground({ data: join(dir, 'data'), emulatorPort: 0, pagePort: 0, cacheDir });
  }, 60_000);

  afterAll(async () => {
    await page?.close().catch(() => undefined);
    await playground?.close();
    await rm(cacheDir, { recursive: true, force: true });
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const card = (name: string): Promise<Card> =>
    page!.evaluate((wanted) => {
      const item = [...document.querySelectorAll('li.upload')].find((node) => node.querySelector('.upload-name')?.textContent === wanted);
      const bar = item?.querySelector('.bar-send [role=progressbar]');
      return {
        status: item?.getAttribute('data-status') ?? null,
        sent: Number(bar?.getAttribute('aria-valuenow') ?? 0),
        badge: item?.querySelector('.badge')?.textContent ?? null,
        url: item?.querySelector('.upload-link')?.getAttribute('href') ?? null,
      };
    }, name);

  const until = async (name: string, check: (c: Card) => boolean, timeoutMs = 20_000): Promise<Card> => {
    let last: Card | undefined;
    await expect.poll(async () => check((last = await card(name))), { timeout: timeoutMs, interval: 50 }).toBe(true);
    return last!;
  };

  const click = (label: string): Promise<boolean> =>
    page!.evaluate((wanted) => {
      const button = document.querySelector<HTMLButtonElement>(`button[aria-label="${wanted}"]`);
      button?.click();
      return button !== null;
    }, label);

  const bytesAt = async (url: string): Promise<Buffer> => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  };

  describe('playground', () => {
    it('uploads two picked files, pauses and resumes one, finds a repeat instant; bytes verified', async () => {
      const clip = join(dir, 'clip.mp4');
      const slowPath = join(dir, 'measurements.mp4');
      const againPath = join(dir, 'clip-again.mp4');
      await writeFile(clip, randomBytes(Math.round(1.5 * MiB)));
      await writeFile(slowPath, randomBytes(3 * MiB + 300_000));
      await writeFile(againPath, await readFile(clip));
      // The last part of the slow file waits 10 s at the emulator: the upload is surely running when paused.
      playground.emulator.emulator.faults.add({ kind: 'delay', action: 'UploadPart', offset: 3 * MiB, ms: 10_000, times: 1 });

      page = await browser.open(playground.pageUrl, { timeoutMs: 30_000 });
      await page.waitFor(() => document.body.dataset.ready === 'true', 30_000);
      await page.setInputFiles('#file-input', [clip, slowPath]);

      // Three parts of four are in: the bar says 91 %.
      await until('measurements.mp4', (c) => c.sent >= 90 && c.status === 'uploading');
      expect(await click('Pause measurements.mp4')).toBe(true);
      await until('measurements.mp4', (c) => c.status === 'paused', 5_000);
      await until('clip.mp4', (c) => c.status === 'done');
      expect((await card('measurements.mp4')).status).toBe('paused');
      expect(await click('Resume measurements.mp4')).toBe(true);
      const slow = await until('measurements.mp4', (c) => c.status === 'done');
      const first = await card('clip.mp4');
      expect(first.badge).toBe('new');
      // Resuming asked the service what it held: only the missing part was sent again.
      expect(slow.badge).toBe('resumed');
      const parts = playground.emulator.emulator.log
        .entries()
        .filter((entry) => entry.action === 'UploadPart' && entry.code === 0 && entry.dataSize !== undefined);
      expect(parts.filter((entry) => entry.offset === 0)).toHaveLength(2); // one per file
      expect(parts.filter((entry) => entry.offset === 3 * MiB)).toHaveLength(1);
      expect((await bytesAt(first.url!)).equals(await readFile(clip))).toBe(true);
      expect((await bytesAt(slow.url!)).equals(await readFile(slowPath))).toBe(true);

      // The same bytes again: the service already has them.
      await page.setInputFiles('#file-input', [againPath]);
      const again = await until('clip-again.mp4', (c) => c.status === 'done');
      expect(again.badge).toBe('instant ⚡');
      expect(await page.evaluate(() => document.querySelector('#summary')?.textContent)).toMatch(/^3 files · 3 done \([0-9.]+ MB\)$/);
      // No key in the page: signatures came from /api/sign.
      expect(await page.evaluate(() => document.documentElement.outerHTML)).not.toContain(DEV_CREDENTIALS.secretKey);
      expect(await page.errors()).toEqual([]);
      await page.screenshot(`playground-${browser.engine}`);
    }, 90_000);
  });
}
