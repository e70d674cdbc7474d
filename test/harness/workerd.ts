/**
 * Test harness: a worker script bundled by Vite into one ESM file and run in workerd through
 * miniflare 3, with bindings. Reused by the runtime matrix and the proxy tests.
 *
 *   const worker = await startWorker({ entry: 'test/runtimes/workers/worker.ts', bindings: { ENDPOINT: url } });
 *   const response = await worker.dispatchFetch('http://worker/run');
 *   await worker.close();
 *
 * Outbound fetch from workerd to 127.0.0.1 (e.g. an emulator started in the test) works without
 * any extra configuration.
 */
import { resolve } from 'node:path';
import { Miniflare, type MiniflareOptions } from 'miniflare';
import { build, type InlineConfig, type Rollup } from 'vite';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
/** A date the bundled workerd (miniflare 3.20250718) supports. */
export const COMPATIBILITY_DATE = '2025-07-01';

export interface BundleOptions {
  /** The worker's module (absolute or relative to the repository root); it default-exports `{ fetch }`. */
  entry: string;
  /** Extra Vite config merged over the defaults (e.g. `resolve.alias`, `define`). */
  vite?: InlineConfig;
}

/**
 * Bundles `entry` and everything it imports into one ES module (as a string), resolving with the
 * `workerd`/`worker`/`browser` conditions like Wrangler does.
 */
export async function bundleWorker(options: BundleOptions): Promise<string> {
  const entry = resolve(REPO_ROOT, options.entry);
  const extra = options.vite ?? {};
  const output = await build({
    configFile: false,
    logLevel: 'warn',
    root: REPO_ROOT,
    ...extra,
    resolve: { conditions: ['workerd', 'worker', 'browser', 'module', 'import', 'default'], ...extra.resolve },
    build: {
      write: false,
      target: 'es2022',
      minify: false,
      sourcemap: false,
      emptyOutDir: false,
      copyPublicDir: false,
      lib: { entry, formats: ['es'], fileName: 'worker' },
      rollupOptions: { output: { inlineDynamicImports: true } },
      ...extra.build,
    },
  });
  const results = (Array.isArray(output) ? output : [output]) as Rollup.RollupOutput[];
  const chunks = results.flatMap((result) => result.output).filter((item): item is Rollup.OutputChunk => item.type === 'chunk');
  const main = chunks.find((chunk) => chunk.isEntry);
  if (!main) throw new Error(`bundling ${entry} produced no entry chunk`);
  return main.code;
}

export interface StartWorkerOptions extends BundleOptions {
  /** Plain text/JSON bindings (`env.NAME`). */
  bindings?: Record<string, unknown>;
  /** KV namespace binding names (in-memory). */
  kvNamespaces?: string[];
  /** R2 bucket binding names (in-memory). */
  r2Buckets?: string[];
  compatibilityDate?: string;
  compatibilityFlags?: string[];
  /** Anything else miniflare accepts, merged last. */
  miniflare?: Partial<MiniflareOptions>;
}

export interface RunningWorker {
  mf: Miniflare;
  /** The bundled script, for inspection. */
  script: string;
  dispatchFetch: Miniflare['dispatchFetch'];
  close(): Promise<void>;
}

/** Bundles the worker and starts it in workerd; `close()` disposes of the runtime. */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const script = await bundleWorker(options);
  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: options.compatibilityDate ?? COMPATIBILITY_DATE,
    compatibilityFlags: options.compatibilityFlags ?? [],
    bindings: (options.bindings ?? {}) as Record<string, never>,
    kvNamespaces: options.kvNamespaces ?? [],
    r2Buckets: options.r2Buckets ?? [],
    ...(options.miniflare as object),
  } as MiniflareOptions);
  await mf.ready;
  return { mf, script, dispatchFetch: mf.dispatchFetch.bind(mf) as Miniflare['dispatchFetch'], close: () => mf.dispose() };
}
