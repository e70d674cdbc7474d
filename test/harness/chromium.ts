/**
 * Test harness: headless Chromium (driven by playwright-core) and pages served by Vite on
 * 127.0.0.1. Reused by the runtime matrix, the proxy and the playground tests.
 *
 *   const web = await startBrowserHarness({ root: 'test/runtimes/browser' });
 *   const page = await web.open('/index.html');
 *   const value = await page.evaluate(() => 1 + 1);
 *   expect(page.errors).toEqual([]);
 *   await web.close();
 *
 * Chromium is Debian's /usr/bin/chromium, or else the one shipped in the npm package
 * `@sparticuz/chromium` (see engines.ts; `VOD_TEST_HIDE_OS_BROWSERS=chromium` forces the latter).
 * With neither, every entry point throws an Error saying how to install it.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { findChromium, missingEngineMessage, type ChromiumBinary } from './engines.js';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { createServer, type InlineConfig, type ViteDevServer } from 'vite';

/** The repository root (where package.json is). */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');
/** Where screenshots go. */
export const RESULTS_DIR = join(REPO_ROOT, 'test-results');
export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Throws the install hint when Chromium is missing. */
export function requireChromium(path = CHROMIUM_PATH): void {
  if (!existsSync(path)) {
    throw new Error(`Chromium not found at ${path}: the browser tests need it. install with: apt-get install -y chromium`);
  }
}

/** Debian's Chromium, or npm's; throws the install hint when there is neither. */
export async function resolveChromium(): Promise<ChromiumBinary> {
  const found = await findChromium();
  if (!found) throw new Error(missingEngineMessage('chromium'));
  return found;
}

export interface LaunchedChromium {
  browser: Browser;
  /** e.g. `156.0.8078.79`. */
  version: string;
  /** Which Chromium: Debian's package or the npm package's binary. */
  source: ChromiumBinary['source'];
  close(): Promise<void>;
}

/** Launches headless Chromium with the project's flags. Bounded by `timeoutMs` (default 20 s). */
export async function launchChromium(options: { timeoutMs?: number } = {}): Promise<LaunchedChromium> {
  const binary = await resolveChromium();
  const browser = await chromium.launch({
    executablePath: binary.path,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: options.timeoutMs ?? 20_000,
  });
  return { browser, version: browser.version(), source: binary.source, close: () => browser.close() };
}

export interface ServedSite {
  /** e.g. `http://127.0.0.1:5174`. */
  origin: string;
  /** Absolute URL of a path on the site. */
  url(path: string): string;
  server: ViteDevServer;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** The directory holding index.html and the page's modules (absolute or relative to the repo). */
  root: string;
  /** Extra Vite config merged over the defaults (e.g. `resolve.alias`, `define`, `plugins`). */
  vite?: InlineConfig;
}

/**
 * Serves `root` with a Vite dev server on 127.0.0.1 (a free port). Pages may import anything
 * inside the repository (e.g. `/src/adapters/browser/index.ts` via a relative path).
 */
export async function serveVite(options: ServeOptions): Promise<ServedSite> {
  const root = resolve(REPO_ROOT, options.root);
  const extra = options.vite ?? {};
  // A cache of pre-bundled dependencies per server: the browser suites serve the same root at
  // once, and with the shared node_modules/.vite one server re-optimizing swapped the files under
  // another's page (WebKit's page then never ran, failing a loaded run twice).
  const cacheDir = await mkdtemp(join(tmpdir(), 'vod-vite-'));
  const server = await createServer({
    configFile: false,
    logLevel: 'warn',
    clearScreen: false,
    cacheDir,
    ...extra,
    root,
    server: {
      host: '127.0.0.1',
      port: 0,
      strictPort: false,
      hmr: false,
      watch: null,
      ...extra.server,
      fs: { allow: [REPO_ROOT], ...extra.server?.fs },
    },
  });
  const close = async (): Promise<void> => {
    await server.close();
    await rm(cacheDir, { recursive: true, force: true });
  };
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') {
    await close();
    throw new Error('Vite did not report a TCP address');
  }
  const origin = `http://127.0.0.1:${address.port}`;
  return { origin, url: (path) => new URL(path, origin).href, server, close };
}

export interface StaticSite {
  origin: string;
  url(path: string): string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Serves a built directory (e.g. a `vite build` output) on 127.0.0.1 at a free port: `/` is
 * index.html, paths outside the directory are refused, anything missing is a 404. `headers` are
 * sent with every file (e.g. a Content-Security-Policy).
 */
export async function serveDirectory(directory: string, options: { headers?: Record<string, string> } = {}): Promise<StaticSite> {
  const root = resolve(REPO_ROOT, directory);
  const server = createHttpServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (file !== root && !file.startsWith(root + sep)) {
      response.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) =>
        response.writeHead(200, { ...options.headers, 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => response.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (path) => new URL(path, origin).href,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** A page plus what it reported. */
export interface HarnessPage {
  page: Page;
  /** Console errors and uncaught exceptions, in order. */
  readonly errors: string[];
  /** Every console message as `type: text`. */
  readonly console: string[];
  /** Responses with status ≥ 400 and failed requests, as `404 GET http://…` (console errors omit the URL). */
  readonly failedRequests: string[];
  evaluate: Page['evaluate'];
  /** Saves `test-results/<name>.png` and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Opens `url` in a fresh context and records console errors and page errors. */
export async function openPage(browser: Browser, url: string, options: { timeoutMs?: number } = {}): Promise<HarnessPage> {
  const timeout = options.timeoutMs ?? 20_000;
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  const errors: string[] = [];
  const lines: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    lines.push(`${message.type()}: ${message.text()}`);
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
  const failedRequests: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) failedRequests.push(`${response.status()} ${response.request().method()} ${response.url()}`);
  });
  page.on('requestfailed', (request) =>
    failedRequests.push(`${request.failure()?.errorText ?? 'failed'} ${request.method()} ${request.url()}`),
  );
  await page.goto(url, { timeout, waitUntil: 'load' });
  return {
    page,
    errors,
    console: lines,
    failedRequests,
    evaluate: page.evaluate.bind(page) as Page['evaluate'],
    async screenshot(name) {
      await mkdir(RESULTS_DIR, { recursive: true });
      const path = join(RESULTS_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
      await page.screenshot({ path, timeout });
      return path;
    },
    close: () => context.close(),
  };
}

export interface BrowserHarness {
  browser: Browser;
  /** Chromium's version, for test names. */
  version: string;
  /** Which Chromium ran: Debian's or npm's. */
  source: ChromiumBinary['source'];
  site: ServedSite;
  /** Opens a path of the served site (or any absolute URL). */
  open(pathOrUrl: string, options?: { timeoutMs?: number }): Promise<HarnessPage>;
  close(): Promise<void>;
}

/** Chromium plus a Vite-served site; `close()` stops both. */
export async function startBrowserHarness(options: ServeOptions): Promise<BrowserHarness> {
  await resolveChromium();
  const site = await serveVite(options);
  let launched: LaunchedChromium;
  try {
    launched = await launchChromium();
  } catch (error) {
    await site.close();
    throw error;
  }
  return {
    browser: launched.browser,
    version: launched.version,
    source: launched.source,
    site,
    open: (pathOrUrl, openOptions) => openPage(launched.browser, new URL(pathOrUrl, site.origin).href, openOptions),
    async close() {
      await Promise.allSettled([launched.close(), site.close()]);
    },
  };
}
