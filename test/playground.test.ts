/**
 * The playground end to end in headless Chromium: the page as `npm start` serves it (emulator +
 * Vite + the signing route), driven like a person would — pick two files, pause one mid-upload,
 * resume it, pick one again — then the emulator is asked for the files and a screenshot is saved.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayground, type RunningPlayground } from '../playground/server.js';
import { DEV_CREDENTIALS } from '../src/emulator/index.js';
import { launchChromium, openPage, REPO_ROOT, RESULTS_DIR, type HarnessPage, type LaunchedChromium } from './harness/chromium.js';

const MiB = 1048576;
let playground: RunningPlayground;
let chromium: LaunchedChromium;
let page: HarnessPage;
let data: string;
const cacheDir = join(REPO_ROOT, 'node_modules', '.vite', `playground-test-${process.pid}`);

beforeAll(async () => {
  data = await mkdtemp(join(tmpdir(), 'vod-playground-'));
  playground = await startPlayground({ data, emulatorPort: 0, pagePort: 0, cacheDir });
  chromium = await launchChromium();
  page = await openPage(chromium.browser, playground.pageUrl, { timeoutMs: 20_000 });
  await page.page.setViewportSize({ width: 1040, height: 1180 });
  await page.page.waitForSelector('body[data-ready="true"]');
}, 60_000);

afterAll(async () => {
  await page?.close();
  await chromium?.close();
  await playground?.close();
  await rm(cacheDir, { recursive: true, force: true });
  if (data) await rm(data, { recursive: true, force: true });
});

/** A real 2.5 s WebM made by the page's own MediaRecorder, so the <video> has something to show. */
async function recordWebm(): Promise<Buffer> {
  const base64 = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 360;
    const ctx = canvas.getContext('2d')!;
    let frame = 0;
    const draw = (): void => {
      const gradient = ctx.createLinearGradient(0, 0, 640, 360);
      gradient.addColorStop(0, '#6d5efc');
      gradient.addColorStop(1, '#22b8cf');
      ctx.fillStyle = gradient;
      ctx.fillRect(0, 0, 640, 360);
      ctx.fillStyle = 'rgba(255, 255, 255, 0.9)';
      ctx.beginPath();
      ctx.arc(120 + ((frame * 6) % 400), 220, 46, 0, Math.PI * 2);
      ctx.fill();
      ctx.font = 'bold 52px sans-serif';
      ctx.fillText('vod-upload', 180, 110);
      frame += 1;
    };
    draw();
    const recorder = new MediaRecorder(canvas.captureStream(30), { mimeType: 'video/webm;codecs=vp8' });
    const chunks: Blob[] = [];
    recorder.ondataavailable = (event) => chunks.push(event.data);
    const stopped = new Promise((resolve) => (recorder.onstop = resolve));
    recorder.start(250);
    const start = performance.now();
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        draw();
        if (performance.now() - start > 2500) resolve();
        else requestAnimationFrame(tick);
      };
      tick();
    });
    recorder.stop();
    await stopped;
    const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  });
  return Buffer.from(base64, 'base64');
}

const card = (name: string) => page.page.locator('li.upload', { has: page.page.locator('.upload-name', { hasText: name }) });

async function fetchBytes(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe('playground in Chromium', () => {
  it('uploads two files, pauses and resumes one, plays the video, finds a repeat instant; screenshot saved', {
    timeout: 90_000,
  }, async () => {
    const video = await recordWebm();
    expect(video.length).toBeGreaterThan(10_000);
    const data = randomBytes(3 * MiB + 300_000);
    // The last part of the data file waits 10 s at the emulator: the upload is surely running when paused.
    playground.emulator.emulator.faults.add({ kind: 'delay', action: 'UploadPart', offset: 3 * MiB, ms: 10_000, times: 1 });

    await page.page.setInputFiles('#file-input', [
      { name: 'sunset.webm', mimeType: 'video/webm', buffer: video },
      { name: 'measurements.bin', mimeType: 'application/octet-stream', buffer: data },
    ]);
    const slow = card('measurements.bin');
    // Three parts of four are in: the bar says 91 %.
    await expect
      .poll(async () => Number(await slow.locator('.bar-send [role=progressbar]').getAttribute('aria-valuenow')), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(90);
    expect(await slow.getAttribute('data-status')).toBe('uploading');
    const clicked = performance.now();
    await slow.getByRole('button', { name: 'Pause measurements.bin' }).click();
    await expect.poll(() => slow.getAttribute('data-status'), { timeout: 5_000, interval: 20 }).toBe('paused');
    console.info(`pause took effect in ${(performance.now() - clicked).toFixed(0)} ms`);
    const heldWhilePaused = await slow.locator('.bar-send [role=progressbar]').getAttribute('aria-valuenow');
    await page.page.waitForTimeout(600);
    expect(await slow.getAttribute('data-status')).toBe('paused');
    expect(await slow.locator('.bar-send [role=progressbar]').getAttribute('aria-valuenow')).toBe(heldWhilePaused);
    expect(await slow.getByRole('button', { name: 'Resume measurements.bin' }).isVisible()).toBe(true);
    await page.screenshot('playground-paused');

    const sunset = card('sunset.webm');
    await expect.poll(() => sunset.getAttribute('data-status'), { timeout: 15_000 }).toBe('done');
    await slow.getByRole('button', { name: 'Resume measurements.bin' }).click();
    await expect.poll(() => slow.getAttribute('data-status'), { timeout: 15_000 }).toBe('done');

    expect(await sunset.locator('.badge').textContent()).toBe('new');
    // Resuming asked the service what it held: only the missing part was sent again.
    expect(await slow.locator('.badge').textContent()).toBe('resumed');
    const offsets = playground.emulator.emulator.log
      .entries()
      .filter(
        (entry) =>
          entry.action === 'UploadPart' &&
          entry.dataSize !== undefined &&
          entry.offset !== undefined &&
          entry.fileSha !== '' &&
          entry.code === 0,
      );
    expect(offsets.filter((entry) => entry.offset === 0)).toHaveLength(2); // one per file
    expect(offsets.filter((entry) => entry.offset === 3 * MiB)).toHaveLength(1);

    // The emulator holds both files, byte for byte, at the urls the page shows.
    const sunsetUrl = (await sunset.locator('.upload-link').getAttribute('href'))!;
    const slowUrl = (await slow.locator('.upload-link').getAttribute('href'))!;
    expect((await fetchBytes(sunsetUrl)).equals(video)).toBe(true);
    expect((await fetchBytes(slowUrl)).equals(data)).toBe(true);

    // The video plays from the emulator's url.
    const played = await sunset.locator('video').evaluate(async (element: HTMLVideoElement) => {
      element.muted = true;
      await element.play();
      await new Promise((resolve) => setTimeout(resolve, 400));
      element.pause();
      element.currentTime = 0.2;
      await new Promise((resolve) => element.addEventListener('seeked', resolve, { once: true }));
      return { width: element.videoWidth, height: element.videoHeight, src: element.currentSrc.replace(/#.*$/, '') };
    });
    expect(played).toEqual({ width: 640, height: 360, src: sunsetUrl });
    expect(await slow.locator('video').count()).toBe(0);

    // The same video again: the service already has it.
    await page.page.setInputFiles('#file-input', [{ name: 'sunset-again.webm', mimeType: 'video/webm', buffer: video }]);
    const again = card('sunset-again.webm');
    await expect.poll(() => again.getAttribute('data-status'), { timeout: 15_000 }).toBe('done');
    expect(await again.locator('.badge').textContent()).toBe('instant ⚡');
    expect(await page.page.locator('#summary').textContent()).toMatch(/^3 files · 3 done \([0-9.]+ MB\)$/);

    // No key in the page: signatures came from /api/sign.
    const html = await page.page.content();
    expect(html).not.toContain(DEV_CREDENTIALS.secretKey);
    expect(page.errors).toEqual([]);
    // Every video shows its first frame (bounded wait), the bars' width transition has ended.
    await page.page.waitForFunction(() => [...document.querySelectorAll('video')].every((video) => video.readyState >= 2), undefined, {
      timeout: 5_000,
    });
    // Cosmetic only: let the players finish buffering so no spinner shows in the picture.
    await page.page
      .waitForFunction(() => [...document.querySelectorAll('video')].every((video) => video.readyState >= 3), undefined, { timeout: 2_000 })
      .catch(() => undefined);
    await page.page.waitForTimeout(400);
    const path = join(RESULTS_DIR, 'playground.png');
    await page.page.screenshot({ path, fullPage: true });
    console.info(`screenshot: ${path}`);
  });
});
