/**
 * One page API over the three browser engines, so a scenario is written once and run in each:
 * Chromium (playwright-core over CDP), Firefox (puppeteer-core over WebDriver BiDi) and WebKit
 * (W3C WebDriver: WebKitWebDriver + MiniBrowser). Functions passed to `evaluate` run in the page
 * and must be self-contained (their source is sent, as with playwright).
 *
 *   const web = await startEngineHarness('firefox', { root: 'test/runtimes/browser' });
 *   const page = await web.open('/');
 *   await page.waitFor(() => 'vodRuntime' in window);
 *   expect(await page.errors()).toEqual([]);
 *   await web.close();
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import puppeteer, { type Browser as PuppeteerBrowser } from 'puppeteer-core';
import { launchChromium, openPage, RESULTS_DIR, serveVite, type ServedSite, type ServeOptions } from './chromium.js';
import { ENGINE_LABELS, findFirefox, findWebKit, missingEngineMessage, type EngineName } from './engines.js';
import { launchWebKit } from './webdriver.js';

export interface EnginePage {
  readonly engine: EngineName;
  /** Runs `fn(arg)` in the page and returns its (JSON-serialisable) result. */
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  /** Polls `fn` in the page until it returns true; bounded by `timeoutMs` (default 15 s). */
  waitFor(fn: () => boolean, timeoutMs?: number): Promise<void>;
  /** Console errors and uncaught errors seen so far. */
  errors(): Promise<string[]>;
  /** URLs of the page's dedicated workers as the browser's automation protocol lists them (WebDriver classic has no such list: undefined). */
  workerUrls(): string[] | undefined;
  /** Saves `test-results/<name>.png` and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Picks files (paths on disk) in a file input, as a person would: the page gets file-backed Files. */
  setInputFiles(selector: string, paths: string[]): Promise<void>;
  /** Loads the page again (same browsing context: storage such as IndexedDB stays). */
  reload(): Promise<void>;
  close(): Promise<void>;
}

export interface EngineBrowser {
  readonly engine: EngineName;
  /** e.g. `Firefox 153.8.0esr`. */
  readonly label: string;
  readonly version: string;
  /** Where the binary came from (`Debian` or `npm`). */
  readonly source: 'Debian' | 'npm';
  open(url: string, options?: { timeoutMs?: number }): Promise<EnginePage>;
  close(): Promise<void>;
}

// Installed in each page after load (WebDriver classic sees no console): errors land in a list.
const CAPTURE_ERRORS = `
if (!window.__vodErrors) {
  const errors = (window.__vodErrors = []);
  addEventListener('error', (event) => errors.push(String(event.message)));
  addEventListener('unhandledrejection', (event) => errors.push(String(event.reason)));
  const consoleError = console.error.bind(console);
  console.error = (...args) => { errors.push(args.map(String).join(' ')); consoleError(...args); };
}`;

async function savePng(name: string, png: Uint8Array): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await writeFile(path, png);
  return path;
}

async function poll(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function chromiumBrowser(): Promise<EngineBrowser> {
  const launched = await launchChromium();
  return {
    engine: 'chromium',
    label: `Chromium ${launched.version}`,
    version: launched.version,
    source: launched.source,
    async open(url, options = {}) {
      const page = await openPage(launched.browser, url, options);
      return {
        engine: 'chromium',
        evaluate: (fn, arg) => page.page.evaluate(fn, arg as never),
        async waitFor(fn, timeoutMs = 15_000) {
          await page.page.waitForFunction(fn, undefined, { timeout: timeoutMs });
        },
        errors: async () => [...page.errors],
        workerUrls: () => page.page.workers().map((worker) => worker.url()),
        screenshot: (name) => page.screenshot(name),
        async reload() {
          await page.page.reload({ waitUntil: 'load' });
        },
        setInputFiles: (selector, paths) => page.page.setInputFiles(selector, paths),
        close: () => page.close(),
      };
    },
    close: () => launched.close(),
  };
}

async function firefoxBrowser(executablePath: string): Promise<EngineBrowser> {
  const browser: PuppeteerBrowser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    protocolTimeout: 60_000,
    timeout: 60_000,
  });
  const version = (await browser.version()).replace(/^firefox\//i, '');
  return {
    engine: 'firefox',
    label: `Firefox ${version}`,
    version,
    source: 'Debian',
    async open(url, options = {}) {
      const timeout = options.timeoutMs ?? 20_000;
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      page.setDefaultTimeout(timeout);
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error)));
      await page.goto(url, { timeout, waitUntil: 'load' });
      return {
        engine: 'firefox',
        evaluate: (fn, arg) => page.evaluate(fn as never, arg as never) as never,
        async waitFor(fn, timeoutMs = 15_000) {
          await page.waitForFunction(fn, { timeout: timeoutMs, polling: 50 });
        },
        errors: async () => [...errors],
        workerUrls: () => page.workers().map((worker) => worker.url()),
        screenshot: async (name) => savePng(name, await page.screenshot()),
        async reload() {
          await page.reload({ waitUntil: 'load', timeout });
        },
        async setInputFiles(selector, paths) {
          const input = await page.$(selector);
          if (!input) throw new Error(`no ${selector} in the page`);
          await (input as unknown as { uploadFile(...paths: string[]): Promise<void> }).uploadFile(...paths);
        },
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

async function webkitBrowser(): Promise<EngineBrowser> {
  const binaries = findWebKit();
  if (!binaries) throw new Error(missingEngineMessage('webkit'));
  const webkit = await launchWebKit(binaries);
  const { session } = webkit;
  const run = async <R>(source: string, arg: unknown, timeoutMs: number): Promise<R> => {
    // The callback gets {ok, value} or {ok: false, error}: a rejection's message survives the trip.
    const script = `const done = arguments[arguments.length - 1];
Promise.resolve().then(() => (${source})(arguments[0])).then(
  (value) => done({ ok: true, value: value === undefined ? null : value }),
  (error) => done({ ok: false, error: error && error.stack ? String(error) + '\\n' + error.stack : String(error) }));`;
    const answer = (await session.executeAsync(script, [arg ?? null], timeoutMs)) as { ok: boolean; value?: R; error?: string };
    if (!answer.ok) throw new Error(`in WebKit: ${answer.error}`);
    return answer.value as R;
  };
  return {
    engine: 'webkit',
    label: `WebKit ${webkit.version}`,
    version: webkit.version,
    source: 'Debian',
    async open(url, options = {}) {
      const timeout = options.timeoutMs ?? 20_000;
      const load = async (): Promise<void> => {
        await session.navigate(url);
        await run(`() => { ${CAPTURE_ERRORS} }`, null, timeout);
      };
      await load();
      return {
        engine: 'webkit',
        evaluate: (fn, arg) => run(fn.toString(), arg, 120_000),
        async waitFor(fn, timeoutMs = 15_000) {
          await poll(() => run<boolean>(fn.toString(), null, timeoutMs), timeoutMs, fn.toString());
        },
        errors: () => run<string[]>('() => [...window.__vodErrors]', null, timeout),
        workerUrls: () => undefined,
        screenshot: async (name) => savePng(name, await session.screenshot()),
        reload: load,
        setInputFiles: (selector, paths) => session.sendKeys(selector, paths.join('\n')),
        // One window per session: closing the page leaves it on about:blank (drops the page's memory).
        close: () => session.navigate('about:blank'),
      };
    },
    close: () => webkit.close(),
  };
}

/** Launches headless `engine`; throws the install hint when it is missing. */
export async function launchEngine(engine: EngineName): Promise<EngineBrowser> {
  if (engine === 'chromium') return chromiumBrowser();
  if (engine === 'webkit') return webkitBrowser();
  const firefox = findFirefox();
  if (!firefox) throw new Error(missingEngineMessage('firefox'));
  return firefoxBrowser(firefox);
}

export interface EngineHarness {
  browser: EngineBrowser;
  site: ServedSite;
  /** Opens a path of the served site (or any absolute URL). */
  open(pathOrUrl: string, options?: { timeoutMs?: number }): Promise<EnginePage>;
  close(): Promise<void>;
}

/** An engine plus a Vite-served site; `close()` stops both. */
export async function startEngineHarness(engine: EngineName, options: ServeOptions): Promise<EngineHarness> {
  const site = await serveVite(options);
  let browser: EngineBrowser;
  try {
    browser = await launchEngine(engine);
  } catch (error) {
    await site.close();
    throw error;
  }
  return {
    browser,
    site,
    open: (pathOrUrl, openOptions) => browser.open(new URL(pathOrUrl, site.origin).href, openOptions),
    async close() {
      await Promise.allSettled([browser.close(), site.close()]);
    },
  };
}

export { ENGINE_LABELS };
