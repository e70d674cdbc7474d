/** The shared harness itself: Chromium + Vite page, and workerd reaching a server on 127.0.0.1. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireChromium, startBrowserHarness, type BrowserHarness } from './chromium.js';
import { startWorker, type RunningWorker } from './workerd.js';

describe('harness: Chromium + Vite', () => {
  let web: BrowserHarness;
  beforeAll(async () => {
    web = await startBrowserHarness({ root: 'test/harness/fixtures/page' });
  }, 60_000);
  afterAll(() => web?.close());

  it('serves a TypeScript page on 127.0.0.1 and runs it in Chromium', async () => {
    expect(web.site.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await web.open('/');
    await page.page.waitForFunction(() => (globalThis as { harnessReady?: boolean }).harnessReady === true, null, { timeout: 10_000 });
    expect(await page.evaluate(() => document.querySelector('#out')?.textContent)).toBe('ready 42');
    await page.evaluate(() => console.error('boom'));
    expect(page.errors).toEqual(['boom']);
    expect(page.failedRequests).toEqual([]);
    expect(await page.screenshot('harness-page')).toMatch(/test-results\/harness-page\.png$/);
    await page.close();
  });

  it('names the install command when Chromium is missing', () => {
    expect(() => requireChromium('/nonexistent/chromium')).toThrow('install with: apt-get install -y chromium');
  });
});

describe('harness: workerd (miniflare)', () => {
  let worker: RunningWorker;
  let server: Server;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end('hello from node'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    worker = await startWorker({ entry: 'test/harness/fixtures/worker/worker.ts', bindings: { TARGET: `http://127.0.0.1:${port}/` } });
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('runs a bundled worker that fetches from 127.0.0.1', async () => {
    const response = await worker.dispatchFetch('http://worker.test/');
    expect(await response.json()).toEqual({ status: 200, text: 'hello from node', hasWorker: 'undefined' });
  });
});
