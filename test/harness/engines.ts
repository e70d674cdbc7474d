/**
 * Where each browser engine comes from, so `npm install && npm test` sets itself up:
 *
 * - Chromium: Debian's `/usr/bin/chromium` when present, else the Chromium shipped inside the npm
 *   package `@sparticuz/chromium` (a devDependency; unpacked once into node_modules/.cache).
 * - Firefox: Debian's `firefox-esr`, driven over WebDriver BiDi (puppeteer-core).
 * - WebKit: Debian's `WebKitWebDriver` (webkit2gtk-driver) with MiniBrowser, under `xvfb-run`.
 *
 * `VOD_TEST_HIDE_OS_BROWSERS` makes the harness behave as on a machine without the OS browsers:
 * a comma list of `chromium`, `firefox`, `webkit`, or `all`. Hidden Chromium falls back to npm;
 * hidden Firefox and WebKit are reported as skipped with their install command (failed in CI).
 */
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';

export type EngineName = 'chromium' | 'firefox' | 'webkit';

export const ENGINE_LABELS: Readonly<Record<EngineName, string>> = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKit' };

/** The Debian packages each engine needs (what `.ci/run` installs). */
export const INSTALL_COMMANDS: Readonly<Record<EngineName, string>> = {
  chromium: 'apt-get install -y chromium (or npm install: @sparticuz/chromium is a devDependency)',
  firefox: 'apt-get install -y firefox-esr',
  webkit: 'apt-get install -y webkit2gtk-driver xvfb',
};

export const HIDE_ENV = 'VOD_TEST_HIDE_OS_BROWSERS';
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';
export const DEBIAN_FIREFOX = '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver';
export const XVFB_RUN = '/usr/bin/xvfb-run';
const MINIBROWSER_CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
];
const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** The engines `VOD_TEST_HIDE_OS_BROWSERS` hides (unknown names are an error, not ignored). */
export function hiddenEngines(value = process.env[HIDE_ENV] ?? ''): Set<EngineName> {
  const names = value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  if (names.includes('all') || names.includes('1')) return new Set(['chromium', 'firefox', 'webkit']);
  for (const name of names) {
    if (!(name in ENGINE_LABELS))
      throw new Error(`${HIDE_ENV}: expected a comma list of chromium, firefox, webkit or all, got ${JSON.stringify(name)}`);
  }
  return new Set(names as EngineName[]);
}

export interface ChromiumBinary {
  path: string;
  /** Debian's package or the npm package's binary. */
  source: 'Debian' | 'npm';
}

/** Unpacks the npm package's brotli-compressed Chromium once (atomically: parallel test files race here). */
async function npmChromium(): Promise<ChromiumBinary | undefined> {
  // The package's exports hide package.json and bin/ from resolution: find it where npm puts it.
  const packageDir = join(REPO_ROOT, 'node_modules', '@sparticuz', 'chromium');
  const packed = join(packageDir, 'bin', 'chromium.br');
  if (!existsSync(packed)) return undefined;
  const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const dir = join(REPO_ROOT, 'node_modules', '.cache', 'vod-upload-chromium', version);
  const path = join(dir, 'chromium');
  if (!existsSync(path)) {
    await mkdir(dir, { recursive: true });
    const partial = `${path}.${process.pid}.partial`;
    try {
      await pipeline(createReadStream(packed), createBrotliDecompress(), createWriteStream(partial, { mode: 0o755 }));
      await rename(partial, path);
    } finally {
      await rm(partial, { force: true });
    }
  }
  return { path, source: 'npm' };
}

/** Debian's Chromium unless hidden, else npm's; undefined when neither is there. */
export async function findChromium(hidden = hiddenEngines()): Promise<ChromiumBinary | undefined> {
  if (!hidden.has('chromium') && existsSync(DEBIAN_CHROMIUM)) return { path: DEBIAN_CHROMIUM, source: 'Debian' };
  return npmChromium();
}

export function findFirefox(hidden = hiddenEngines()): string | undefined {
  return !hidden.has('firefox') && existsSync(DEBIAN_FIREFOX) ? DEBIAN_FIREFOX : undefined;
}

export interface WebKitBinaries {
  driver: string;
  miniBrowser: string;
  xvfbRun: string;
}

export function findWebKit(hidden = hiddenEngines()): WebKitBinaries | undefined {
  if (hidden.has('webkit') || !existsSync(WEBKIT_DRIVER) || !existsSync(XVFB_RUN)) return undefined;
  const miniBrowser = MINIBROWSER_CANDIDATES.find((path) => existsSync(path));
  return miniBrowser ? { driver: WEBKIT_DRIVER, miniBrowser, xvfbRun: XVFB_RUN } : undefined;
}

/** True when the engine can be launched here (Chromium: Debian's or npm's). */
export async function engineAvailable(engine: EngineName): Promise<boolean> {
  if (engine === 'chromium') return (await findChromium()) !== undefined;
  return engine === 'firefox' ? findFirefox() !== undefined : findWebKit() !== undefined;
}

/** The message of a missing engine: what is missing and the command that installs it. */
export function missingEngineMessage(engine: EngineName): string {
  const hidden = hiddenEngines().has(engine) ? ` (hidden by ${HIDE_ENV})` : '';
  return `${ENGINE_LABELS[engine]} not found${hidden}: install with: ${INSTALL_COMMANDS[engine]}`;
}
