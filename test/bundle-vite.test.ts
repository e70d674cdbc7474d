/**
 * A downstream app's view of the package: the library is built with the project's vite.config.ts
 * (its browser entries) into a package directory, then a tiny page importing the bare specifier
 * `vod-upload` is built by Vite for production. The `browser` export condition must pick the
 * browser adapter, the hasher's worker must come out as its own chunk, and no Node built-in may
 * remain. Finally the built page runs in Chromium: the worker chunk really hashes and uploads.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, loadConfigFromFile, type UserConfig } from 'vite';
import { DEV_CREDENTIALS, startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import { launchChromium, openPage, REPO_ROOT, serveDirectory, type LaunchedChromium, type StaticSite } from './harness/chromium.js';

/** The library entries a browser app reaches. */
const BROWSER_ENTRIES = ['index', 'browser', 'hasher-worker', 'pure-js-hasher-worker'];

let tmp: string;
let pageOut: string;
let files: Map<string, string>;

async function buildPackage(packageDir: string): Promise<void> {
  const loaded = await loadConfigFromFile({ command: 'build', mode: 'production' }, join(REPO_ROOT, 'vite.config.ts'), REPO_ROOT, 'silent');
  if (!loaded) throw new Error('vite.config.ts not found');
  const config = loaded.config as UserConfig;
  const lib = config.build?.lib;
  if (!lib || typeof lib.entry !== 'object' || Array.isArray(lib.entry))
    throw new Error('vite.config.ts: expected lib.entry to be a name → path map');
  const entry = Object.fromEntries(Object.entries(lib.entry).filter(([name]) => BROWSER_ENTRIES.includes(name)));
  expect(Object.keys(entry).sort(), 'vite.config.ts lib entries').toEqual([...BROWSER_ENTRIES].sort());
  await build({
    ...config,
    configFile: false,
    root: REPO_ROOT,
    logLevel: 'warn',
    build: { ...config.build, lib: { ...lib, entry }, outDir: join(packageDir, 'dist'), emptyOutDir: true, sourcemap: false },
  });
  await copyFile(join(REPO_ROOT, 'package.json'), join(packageDir, 'package.json'));
}

async function readTree(dir: string, base = dir, out = new Map<string, string>()): Promise<Map<string, string>> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await readTree(path, base, out);
    else out.set(path.slice(base.length + 1), await readFile(path, 'utf8'));
  }
  return out;
}

beforeAll(async () => {
  // An app outside the repository (inside it, Vite resolves `vod-upload` as a self-reference to the
  // repository's own dist/), with the package and its dependencies in its node_modules as after an install.
  tmp = await mkdtemp(join(tmpdir(), 'vod-upload-bundle-'));
  const packageDir = join(tmp, 'node_modules', 'vod-upload');
  await mkdir(packageDir, { recursive: true });
  const { dependencies } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of Object.keys(dependencies)) {
    await mkdir(dirname(join(tmp, 'node_modules', name)), { recursive: true });
    await symlink(join(REPO_ROOT, 'node_modules', name), join(tmp, 'node_modules', name), 'dir');
  }
  await buildPackage(packageDir);

  const page = join(tmp, 'page');
  await mkdir(page);
  await writeFile(
    join(page, 'index.html'),
    '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script type="module" src="./main.js"></script></body></html>',
  );
  await writeFile(
    join(page, 'main.js'),
    `import { upload, createSecretSigner } from 'vod-upload';
import { createBrowserWorkerHasher } from 'vod-upload/browser';
window.bundleCheck = async (connection) => {
  const bytes = new Uint8Array(2.5 * 1048576);
  for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
  const file = new File([bytes], 'bundle.mp4', { lastModified: 1 });
  const hasher = createBrowserWorkerHasher();
  const hash = await hasher.hash(file, { partSize: 1048576 });
  hasher.close();
  const result = await upload(file, { endpoint: connection.endpoint, signer: createSecretSigner(connection) }).done;
  return { runner: hash.runner, engine: hash.engine, sha1: hash.sha1, result };
};
`,
  );
  pageOut = join(page, 'dist');
  await build({ configFile: false, root: page, logLevel: 'warn', build: { outDir: pageOut, emptyOutDir: true } });
  files = await readTree(pageOut);
}, 60_000);

afterAll(async () => {
  if (tmp && !process.env.KEEP_BUNDLE_TMP) await rm(tmp, { recursive: true, force: true });
});

describe('bundle: Vite production build of a page importing vod-upload', () => {
  it('contains the browser adapter, picked by the `browser` condition', () => {
    const main = [...files].find(([name]) => /^assets\/index-.*\.js$/.test(name));
    expect(main, [...files.keys()].join(', ')).toBeDefined();
    // The IndexedDB names exist only in the browser adapter, whose engine is loaded on the first
    // upload: they are in a chunk of their own, not in the page's.
    const code = main![1];
    const holdsIdbNames = (text: string) => text.includes('vod-upload') && text.includes('checkpoints');
    const lazy = [...files].filter(([name]) => name.endsWith('.js') && name !== main![0] && !/hasher-worker/.test(name));
    expect(
      lazy.some(([, text]) => holdsIdbNames(text)),
      'IndexedDB names of the browser adapter',
    ).toBe(true);
    expect(holdsIdbNames(code), 'the engine is not in the page chunk').toBe(false);
    const worker = /new Worker\(new URL\([`"']([^`"']*hasher-worker-[\w-]+\.js)[`"']/.exec(code);
    expect(worker?.[1], 'new Worker(new URL(…hasher-worker….js)) in the app chunk').toMatch(/^\/assets\/hasher-worker-/);
  });

  it('emits the two hasher workers as chunks of their own: WebAssembly by default, pure JS beside it', () => {
    const workers = [...files].filter(([name]) => /(^|\/)hasher-worker-[\w-]+\.js$/.test(name));
    const pureJs = [...files].filter(([name]) => /(^|\/)pure-js-hasher-worker-[\w-]+\.js$/.test(name));
    expect(workers).toHaveLength(1);
    expect(pureJs).toHaveLength(1);
    for (const [, code] of [...workers, ...pureJs]) {
      expect(code.includes('postMessage') && /[`"']ready[`"']/.test(code), 'the worker answers with a ready message').toBe(true);
      // zod stays out of the workers: they only need the engines and the message handler.
      expect(code.includes('ZodError'), 'zod in the worker').toBe(false);
    }
    expect(workers[0]![1].includes('WebAssembly'), 'the wasm engine is in the default worker').toBe(true);
    expect(pureJs[0]![1].includes('WebAssembly'), 'no wasm in the pure-JS worker').toBe(false);
  });

  it('has no Node built-ins and no unresolved bare imports', () => {
    for (const [name, code] of files) {
      if (!name.endsWith('.js')) continue;
      expect(/[`"']node:[a-z_/]+[`"']/.exec(code)?.[0], `${name}: a node: specifier`).toBeUndefined();
      expect(/\brequire\s*\(\s*[`"'][^`"']+[`"']\s*\)/.exec(code)?.[0], `${name}: a require() call`).toBeUndefined();
      expect(/(?:\bfrom|\bimport)\s*\(?\s*[`"'](?![./])[^`"']+[`"']/.exec(code)?.[0], `${name}: a bare import`).toBeUndefined();
    }
  });
});

describe('bundle: the built page in Chromium', () => {
  let chromium: LaunchedChromium;
  let site: StaticSite;
  let emu: RunningEmulator;
  beforeAll(async () => {
    [chromium, site, emu] = await Promise.all([launchChromium(), serveDirectory(pageOut), startEmulator({ port: 0 })]);
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled([chromium?.close(), site?.close(), emu?.close()]);
  });

  it('hashes on the bundled worker and uploads to the emulator', async () => {
    const page = await openPage(chromium.browser, site.url('/'));
    await page.page.waitForFunction(() => 'bundleCheck' in window, null, { timeout: 10_000 });
    const connection = { endpoint: emu.endpoint, ...DEV_CREDENTIALS };
    const outcome = await page.evaluate(
      (c) =>
        (
          window as unknown as {
            bundleCheck(
              c: unknown,
            ): Promise<{ runner: string; engine: string; sha1: string; result: { kind: string; sha1: string; partsSent: number } }>;
          }
        ).bundleCheck(c),
      connection,
    );
    expect(outcome).toMatchObject({ runner: 'worker', engine: 'wasm' });
    expect(outcome.result).toMatchObject({ kind: 'new', sha1: outcome.sha1, partsSent: 3 });
    expect(emu.emulator.log.count('FinishUpload', 0)).toBe(1);
    expect(page.errors).toEqual([]);
    // Every asset loaded and every protocol request completed: nothing failed or was cancelled.
    expect(page.failedRequests).toEqual([]);
    await page.close();
  });
});
