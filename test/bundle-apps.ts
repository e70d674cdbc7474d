/**
 * Builds one small web app with Vite, webpack 5 and esbuild (ESM) against the built package, the
 * way an app that installed `vod-upload` would, and measures what each ships: the initial JS (the
 * entry and every chunk it imports statically), the hasher worker (its script and what that
 * imports statically) and the chunks loaded later on demand. Sizes are minified (each bundler's
 * production minifier) and gzip level 9. Shared by the size check and the bundler tests.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The repository root (where package.json and dist/ are). */
export const REPO_ROOT = join(import.meta.dirname, '..');

export type BundlerName = 'vite' | 'webpack' | 'esbuild';

export interface Part {
  files: string[];
  min: number;
  gzip: number;
}

export interface AppBuild {
  bundler: BundlerName;
  /** The output directory, to be served as the site root (index.html included). */
  outDir: string;
  initial: Part;
  /**
   * The default hasher worker (WebAssembly) as shipped with the app, with every chunk it may
   * load (for esbuild: from the package's dist/worker/ the app copies).
   */
  worker: Part;
  /** The pure-JS hasher worker, started only where WebAssembly cannot compile, with its chunks. */
  fallbackWorker: Part;
  /** Everything else: chunks the page loads on demand (the page's own fallback engines, …). */
  lazy: Part;
}

/**
 * A temporary directory whose node_modules/vod-upload links to this repository (its dist/ must be
 * built), as after `npm install vod-upload`.
 */
export async function makeConsumerDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await mkdir(join(dir, 'node_modules'));
  await symlink(REPO_ROOT, join(dir, 'node_modules', 'vod-upload'), 'dir');
  return dir;
}

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path, base)));
    else out.push(relative(base, path));
  }
  return out;
}

/** Relative specifiers an ES module imports statically (minified output of Vite or esbuild). */
function staticImports(code: string): string[] {
  const found = new Set<string>();
  for (const match of code.matchAll(/(?:^|[;}\s])import\s*(?:[\w$*{},\s]+?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) found.add(match[1]!);
  for (const match of code.matchAll(/(?:^|[;}\s])export\s*(?:\*|\{[^}]*\})\s*from\s*["'](\.{1,2}\/[^"']+)["']/g)) found.add(match[1]!);
  return [...found];
}

/** `start` and the files it imports statically, transitively. */
async function closure(outDir: string, start: string): Promise<string[]> {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0 && seen.size < 500) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = await readFile(join(outDir, file), 'utf8');
    for (const spec of staticImports(code)) queue.push(join(file, '..', spec));
  }
  return [...seen];
}

async function measure(outDir: string, files: string[]): Promise<Part> {
  let min = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = await readFile(join(outDir, file));
    min += bytes.byteLength;
    gzip += gzipSync(bytes, { level: 9 }).byteLength;
  }
  return { files: [...files].sort(), min, gzip };
}

async function split(
  bundler: BundlerName,
  outDir: string,
  initialFiles: string[],
  workerFiles: string[],
  fallbackWorkerFiles: string[],
): Promise<AppBuild> {
  const all = (await listFiles(outDir)).filter((file) => file.endsWith('.js'));
  const lazy = all.filter((file) => !initialFiles.includes(file) && !workerFiles.includes(file) && !fallbackWorkerFiles.includes(file));
  return {
    bundler,
    outDir,
    initial: await measure(outDir, initialFiles),
    worker: await measure(outDir, workerFiles),
    fallbackWorker: await measure(outDir, fallbackWorkerFiles),
    lazy: await measure(outDir, lazy),
  };
}

/** The default worker script and the pure-JS one, among a build's files. */
const DEFAULT_WORKER = /(^|\/)hasher-worker[^/]*\.js$/;
const PURE_JS_WORKER = /(^|\/)pure-js-hasher-worker[^/]*\.js$/;

const PAGE = (script: string, module: boolean) =>
  `<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script ${module ? 'type="module" ' : ''}src="${script}"></script></body></html>`;

/** Vite production build of `appDir/main.js` (an index.html is written beside it). */
export async function buildWithVite(appDir: string): Promise<AppBuild> {
  const { build } = await import('vite');
  await writeFile(join(appDir, 'index.html'), PAGE('./main.js', true));
  const outDir = join(appDir, 'dist-vite');
  await build({ configFile: false, root: appDir, logLevel: 'warn', build: { outDir, emptyOutDir: true, manifest: true } });
  const manifest = JSON.parse(await readFile(join(outDir, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    { file: string; isEntry?: boolean }
  >;
  const entry = Object.values(manifest).find((chunk) => chunk.isEntry)!.file;
  const initial = await closure(outDir, entry);
  const files = await listFiles(outDir);
  const workerScript = files.find((file) => DEFAULT_WORKER.test(file));
  const pureJsScript = files.find((file) => PURE_JS_WORKER.test(file));
  return split(
    'vite',
    outDir,
    initial,
    workerScript ? await closure(outDir, workerScript) : [],
    pureJsScript ? await closure(outDir, pureJsScript) : [],
  );
}

/** webpack 5 production build of `appDir/main.js` (an index.html is written to the output). */
export async function buildWithWebpack(appDir: string): Promise<AppBuild> {
  const { default: webpack } = await import('webpack');
  const outDir = join(appDir, 'dist-webpack');
  const compiler = webpack({
    mode: 'production',
    context: appDir,
    entry: { main: './main.js' },
    target: 'web',
    devtool: false,
    output: { path: outDir, publicPath: '/', filename: '[name].[contenthash].js', chunkFilename: '[name].[contenthash].js', clean: true },
    performance: { hints: false },
  });
  const stats = await new Promise<import('webpack').Stats>((resolve, reject) =>
    compiler.run((error, result) =>
      error ? reject(error) : result!.hasErrors() ? reject(new Error(result!.toString('errors-only'))) : resolve(result!),
    ),
  );
  await new Promise<void>((resolve) => compiler.close(() => resolve()));
  const json = stats.toJson({ all: false, ids: true, entrypoints: true, chunks: true, chunkRelations: true, chunkModules: true });
  const initial = (json.entrypoints!.main!.assets ?? []).map((asset) => asset.name).filter((name) => name.endsWith('.js'));
  const main = initial.find((name) => name.startsWith('main.'))!;
  await writeFile(join(outDir, 'index.html'), PAGE(`/${main}`, false));
  // A `new Worker(new URL(…))` is its own entry chunk (not initial), holding the worker's script
  // (its module's name, possibly "… + N modules" when concatenated). Its split-off parts are its
  // siblings (loaded together with it). Chunks the worker loads later are its children.
  const chunks = json.chunks ?? [];
  const workerFiles = (script: string): string[] => {
    const named = new RegExp(`(^|/)${script}\\.js( |$)`);
    const ids = new Set(
      chunks
        .filter((chunk) => chunk.entry && !chunk.initial && (chunk.modules ?? []).some((module) => named.test(module.name ?? '')))
        .flatMap((chunk) => [chunk.id, ...(chunk.siblings ?? []), ...(chunk.children ?? [])]),
    );
    return chunks
      .filter((chunk) => ids.has(chunk.id!))
      .flatMap((chunk) => chunk.files ?? [])
      .filter((name) => name.endsWith('.js'));
  };
  return split('webpack', outDir, initial, workerFiles('hasher-worker'), workerFiles('pure-js-hasher-worker'));
}

/** Where the esbuild app copies the package's self-contained worker (dist/worker/), as docs/runtimes-web.md says. */
export const ESBUILD_WORKER_DIR = 'vod-upload-worker';

/**
 * esbuild (`--bundle --format=esm --splitting --minify --platform=browser`) build of
 * `appDir/main.js`. esbuild does not bundle workers: the app copies the package's dist/worker/
 * to `vod-upload-worker/` of its site (unless `copyWorker` is false).
 */
export async function buildWithEsbuild(appDir: string, options: { copyWorker?: boolean } = {}): Promise<AppBuild> {
  const esbuild = await import('esbuild');
  const outDir = join(appDir, 'dist-esbuild');
  const result = await esbuild.build({
    absWorkingDir: appDir,
    entryPoints: { main: './main.js' },
    bundle: true,
    format: 'esm',
    splitting: true,
    minify: true,
    platform: 'browser',
    outdir: outDir,
    metafile: true,
    logLevel: 'silent',
  });
  await writeFile(join(outDir, 'index.html'), PAGE('./main.js', true));
  const initial = await closure(outDir, 'main.js');
  let worker: string[] = [];
  let pureJsWorker: string[] = [];
  if (options.copyWorker !== false) {
    await cp(join(REPO_ROOT, 'dist', 'worker'), join(outDir, ESBUILD_WORKER_DIR), { recursive: true });
    worker = await closure(outDir, join(ESBUILD_WORKER_DIR, 'hasher-worker.js'));
    pureJsWorker = await closure(outDir, join(ESBUILD_WORKER_DIR, 'pure-js-hasher-worker.js'));
  }
  void result;
  return split('esbuild', outDir, initial, worker, pureJsWorker);
}

/** Writes `appDir/main.js`. */
export async function writeApp(appDir: string, code: string): Promise<void> {
  await mkdir(appDir, { recursive: true });
  await writeFile(join(appDir, 'main.js'), code);
}

/** `12.3 KB` (1 KB = 1024 bytes). */
export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** A built app served on 127.0.0.1, an emulator to upload to, and Chromium to run it in. */
export interface BundleStage {
  chromium: import('./harness/chromium.js').LaunchedChromium;
  site: import('./harness/chromium.js').StaticSite;
  emu: import('../src/emulator/index.js').RunningEmulator;
  close(): Promise<void>;
}

/** Serves `app.outDir`, starts an emulator and launches Chromium (the Chromium bundle tests). */
export async function stageApp(app: AppBuild): Promise<BundleStage> {
  const [{ launchChromium, serveDirectory }, { startEmulator }] = await Promise.all([
    import('./harness/chromium.js'),
    import('../src/emulator/index.js'),
  ]);
  const [chromium, site, emu] = await Promise.all([launchChromium(), serveDirectory(app.outDir), startEmulator({ port: 0 })]);
  return {
    chromium,
    site,
    emu,
    close: async () => {
      await Promise.allSettled([chromium.close(), site.close(), emu.close()]);
    },
  };
}
