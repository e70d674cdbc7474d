/**
 * The playground's list of unfinished uploads, in headless Chromium: two files picked from disk
 * are interrupted by a page reload mid-upload (the emulator holds their first two parts and never
 * answers the third); after the reload the page lists both with name, size and age. Picking one
 * again resumes it (the emulator shows its first parts were not sent again), and it leaves the
 * list once done; forgetting the other removes it, also after one more reload.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayground, type RunningPlayground } from '../playground/server.js';
import { launchChromium, openPage, REPO_ROOT, type HarnessPage, type LaunchedChromium } from './harness/chromium.js';

const MiB = 1048576;
let playground: RunningPlayground;
let chromium: LaunchedChromium;
let page: HarnessPage;
let dir: string;
const cacheDir = join(REPO_ROOT, 'node_modules', '.vite', `playground-pending-${process.pid}`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vod-playground-pending-'));
  playground = await startPlayground({ data: join(dir, 'data'), emulatorPort: 0, pagePort: 0, cacheDir });
  chromium = await launchChromium();
  page = await openPage(chromium.browser, playground.pageUrl, { timeoutMs: 60_000 });
  await page.page.waitForSelector('body[data-ready="true"]');
}, 120_000);

afterAll(async () => {
  await page?.close();
  await chromium?.close();
  await playground?.close();
  await rm(cacheDir, { recursive: true, force: true });
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Parts of `name`'s upload the emulator stored (answered with code 0), by offset. */
function storedParts(offset: number): number {
  return playground.emulator.emulator.log
    .entries()
    .filter((entry) => entry.action === 'UploadPart' && entry.code === 0 && entry.offset === offset).length;
}

const pendingRows = () =>
  page.page.evaluate(() =>
    [...document.querySelectorAll('#pending li.pending')].map((row) => ({
      name: row.querySelector('.pending-name')?.textContent,
      size: row.querySelector('.pending-size')?.textContent,
      age: row.querySelector('.pending-age')?.textContent,
    })),
  );

const card = (name: string) => page.page.locator('li.upload', { has: page.page.locator('.upload-name', { hasText: name }) });

describe('playground: unfinished uploads after a reload', () => {
  it('lists them with name, size and age; the same file resumes without resending its parts; forget removes one', {
    timeout: 180_000,
  }, async () => {
    const size = 3 * MiB + 300_000;
    const first = join(dir, 'evening-news.mp4');
    const second = join(dir, 'interview.mp4');
    await writeFile(first, randomBytes(size));
    await writeFile(second, randomBytes(size));
    // The third part of each file never gets an answer: the page is mid-upload when it reloads.
    playground.emulator.emulator.faults.add({ kind: 'hang', action: 'UploadPart', offset: 2 * MiB, times: 2 });

    expect(await page.page.locator('#pending').isHidden()).toBe(true);
    await page.page.setInputFiles('#file-input', [first, second]);
    await expect.poll(() => [storedParts(0), storedParts(MiB)], { timeout: 60_000, interval: 50 }).toEqual([2, 2]);
    expect(await card('evening-news.mp4').getAttribute('data-status')).toBe('uploading');
    await page.page.reload();
    await page.page.waitForSelector('body[data-ready="true"]');
    playground.emulator.emulator.faults.clear();

    // After the reload: both listed, nothing uploading.
    await page.page.waitForSelector('#pending:not([hidden])');
    expect(await page.page.locator('li.upload').count()).toBe(0);
    const rows = await pendingRows();
    expect(rows.map((row) => row.name).sort()).toEqual(['evening-news.mp4', 'interview.mp4']);
    for (const row of rows) {
      expect(row.size).toBe('3.3 MB');
      expect(row.age).toMatch(/^(just now|\d+ min ago)$/);
    }
    await page.screenshot('playground-pending');

    // The same file again resumes: the first two parts are not sent a second time.
    playground.emulator.emulator.log.clear();
    await page.page.setInputFiles('#file-input', [first]);
    const resumed = card('evening-news.mp4');
    await expect.poll(() => resumed.getAttribute('data-status'), { timeout: 60_000, interval: 50 }).toBe('done');
    expect(await resumed.locator('.badge').textContent()).toBe('resumed');
    expect(storedParts(0)).toBe(0);
    expect(storedParts(MiB)).toBe(0);
    expect(storedParts(2 * MiB)).toBe(1);
    // Done: its checkpoint is gone, so only the other one is listed.
    await expect
      .poll(async () => (await pendingRows()).map((row) => row.name), { timeout: 10_000, interval: 50 })
      .toEqual(['interview.mp4']);

    // Forget the other one: the list empties and hides, and stays empty after a reload.
    await page.page.getByRole('button', { name: 'Forget interview.mp4' }).click();
    await page.page.waitForSelector('#pending[hidden]', { state: 'attached' });
    expect(await pendingRows()).toEqual([]);
    await page.page.reload();
    await page.page.waitForSelector('body[data-ready="true"]');
    expect(await page.page.locator('#pending').isHidden()).toBe(true);
    expect(page.errors.filter((error) => !/Failed to load resource|net::ERR_ABORTED/.test(error))).toEqual([]);
  });
});
