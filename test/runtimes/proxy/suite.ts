/**
 * A page with no secret uploads twice, in any engine: through the remote signer (bytes go straight
 * to the emulator, signatures come from the signing endpoint) and through the upload proxy. The
 * emulator verifies both files; the test checks the served bytes too.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEV_CREDENTIALS, startEmulator } from '../../../src/emulator/index.js';
import { createSigningHandler, createUploadProxy } from '../../../src/proxy/index.js';
import { serveVite, type ServedSite } from '../../harness/chromium.js';
import type { EngineBrowser, EnginePage } from '../../harness/engine.js';
import type { PageReport } from './page/main.js';
import { serveHandler } from './serve.js';

const MiB = 1048576;

/** Registers the secret-free page's tests for `browser`. */
export function describeSecretFreePage(browser: EngineBrowser): void {
  const token = `${browser.engine}-session`;
  const authorize = (request: Request): boolean => request.headers.get('Authorization') === `Bearer ${token}`;
  let site: ServedSite;
  let emu: Awaited<ReturnType<typeof startEmulator>>;
  let signing: Awaited<ReturnType<typeof serveHandler>>;
  let proxy: Awaited<ReturnType<typeof serveHandler>>;
  let page: EnginePage | undefined;

  beforeAll(async () => {
    [site, emu] = await Promise.all([serveVite({ root: 'test/runtimes/proxy/page' }), startEmulator({ port: 0 })]);
    signing = await serveHandler(createSigningHandler({ ...DEV_CREDENTIALS, authorize, hosts: [new URL(emu.endpoint).host] }));
    proxy = await serveHandler(
      createUploadProxy({ ...DEV_CREDENTIALS, upstream: emu.endpoint, authorize, limits: { allowedTypes: ['mp4'] } }),
    );
  }, 60_000);

  afterAll(async () => {
    await page?.close().catch(() => undefined);
    await Promise.allSettled([site?.close(), emu?.close(), signing?.close(), proxy?.close()]);
  });

  beforeEach(() => {
    emu.emulator.log.clear();
  });

  const expectServed = async (report: PageReport): Promise<void> => {
    const response = await fetch(report.result.url);
    expect(response.status).toBe(200);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(bytes.length).toBe(report.result.size);
    expect(createHash('sha1').update(bytes).digest('hex')).toBe(report.sha1);
  };

  describe('uploads without a secret in the page', () => {
    it('loads the page with no errors', async () => {
      // The first load compiles the page's modules in Vite's dev server: on a loaded machine that
      // alone took over 30 s in WebKit, so the budget here is the page's, not the default test's.
      page = await browser.open(site.url('/'), { timeoutMs: 100_000 });
      await page.waitFor(() => 'vodProxyPage' in window, 100_000);
      expect(await page.errors()).toEqual([]);
    }, 210_000);

    it('through the remote signer: the emulator verifies the file; signing requests are counted', async () => {
      const options = { signUrl: `${signing.origin}/api/vod-sign`, endpoint: emu.endpoint, token, size: Math.round(6.5 * MiB) };
      const report = await page!.evaluate((o) => window.vodProxyPage.viaRemoteSigner(o), options);
      expect(report.result).toMatchObject({ kind: 'new', partsSent: 7, sha1: report.sha1 });
      expect(emu.emulator.log.count('UploadPart', 0)).toBe(7);
      expect(emu.emulator.log.count('FinishUpload', 0)).toBe(1);
      expect(report.signing!.signed).toBe(9);
      expect(report.signing!.batches).toBeLessThan(9);
      console.info(`[${browser.engine}] remote signer: ${report.signing!.batches} signing requests for 9 signatures (7 parts)`);
      await expectServed(report);
      expect(await page!.errors()).toEqual([]);
    });

    it('through the upload proxy', async () => {
      proxy.count = 0;
      const report = await page!.evaluate((o) => window.vodProxyPage.viaProxy(o), {
        proxyUrl: `${proxy.origin}/vod-upload`,
        token,
        size: Math.round(4.2 * MiB),
      });
      expect(report.result).toMatchObject({ kind: 'new', partsSent: 5, sha1: report.sha1 });
      expect(emu.emulator.log.count('UploadPart', 0)).toBe(5);
      // Preflights included: the page is on another origin than the proxy.
      expect(proxy.count).toBeGreaterThanOrEqual(7);
      await expectServed(report);
      expect(await page!.errors()).toEqual([]);
    });

    it('a wrong token through the proxy fails with the protocol error, nothing forwarded', async () => {
      const error = await page!.evaluate(
        (o) =>
          window.vodProxyPage.viaProxy(o).then(
            () => 'uploaded',
            (e: { code: unknown; message: string }) => `${String(e.code)} ${e.message}`,
          ),
        // Another path: bindUpload reuses a client per endpoint whatever `fetch` it was given (reported to the lead).
        { proxyUrl: `${proxy.origin}/vod-upload/other`, token: 'wrong', size: 1000 },
      );
      expect(error).toMatch(/^4300 InitUpload failed with code 4300 \(access denied\)/);
      expect(emu.emulator.log.count()).toBe(0);
    });
  });
}
