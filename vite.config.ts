import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pkg from './package.json' with { type: 'json' };

/** Library entries: one per public subpath (and runtime of `.`) of package.json `exports`, plus the CLI. */
const entries = {
  // `.`: one API per runtime (the declarations of src/index.ts describe them all).
  index: 'src/index.ts',
  'root-node': 'src/roots/node.ts',
  'root-deno': 'src/roots/deno.ts',
  'root-bun': 'src/roots/bun.ts',
  'root-workers': 'src/roots/workers.ts',
  core: 'src/engine.ts',
  node: 'src/adapters/node/index.ts',
  browser: 'src/adapters/browser/index.ts',
  deno: 'src/adapters/deno/index.ts',
  bun: 'src/adapters/bun/index.ts',
  workers: 'src/adapters/workers/index.ts',
  proxy: 'src/proxy/index.ts',
  emulator: 'src/emulator/index.ts',
  cli: 'src/cli/main.ts',
  'hasher-worker': 'src/adapters/browser/hash-worker.ts',
  // The server runtimes' hash workers, started by path from beside their spawners' chunks.
  'node-hash-worker': 'src/adapters/node/hash-worker.ts',
  'deno-hash-worker': 'src/adapters/deno/hash-worker.ts',
  'bun-hash-worker': 'src/adapters/bun/hash-worker.ts',
  'pure-js-hasher-worker': 'src/adapters/browser/hash-worker-pure-js.ts',
};

const entryPaths = new Set(Object.values(entries).map((path) => resolve(path)));

const external = [...builtinModules, ...builtinModules.map((name) => `node:${name}`), ...Object.keys(pkg.dependencies ?? {})];

/**
 * Keeps the browser hasher's two `new Worker(new URL(...), import.meta.url)` in dist as plain
 * relative URLs to the `hasher-worker` and `pure-js-hasher-worker` entries, so downstream bundlers
 * (Vite, webpack 5) find and bundle the workers. Left alone, Vite bundles each worker itself and
 * writes an `@vite-ignore`d absolute URL (`/assets/worker-….js`) that no downstream bundler follows.
 */
const WORKER_URLS: readonly (readonly [string, string])[] = [
  ['./hash-worker.js', './hasher-worker.js'],
  ['./hash-worker-pure-js.js', './pure-js-hasher-worker.js'],
];
const hasherWorkerUrl: Plugin = {
  name: 'vod-upload:hasher-worker-url',
  apply: 'build',
  enforce: 'pre',
  transform(code, id) {
    if (!id.endsWith('/src/adapters/browser/hasher.ts')) return null;
    let out = code;
    for (const [source, built] of WORKER_URLS) {
      const next = out.replace(`new URL('${source}', import.meta.url)`, `new URL(/* @vite-ignore */ '${built}', import.meta.url)`);
      if (next === out) this.error(`adapters/browser/hasher.ts no longer has new URL('${source}', import.meta.url)`);
      out = next;
    }
    // Same line, same columns before the URL: the existing source map still holds.
    return { code: out, map: null };
  },
  renderChunk(code) {
    const out = code.replace(/new URL\(\s*\/\* @vite-ignore \*\/\s*(["']\.\/[a-z-]+-(?:hash-)?worker\.js["'])/g, 'new URL($1');
    return out === code ? null : { code: out, map: null };
  },
};

/**
 * Under Vitest the server spawners run from src/, where no worker script is: their
 * `new URL('./<runtime>-hash-worker.js', import.meta.url)` is pointed at the built one in dist/
 * (suites that hash on a server worker run after `npm run build`; without it the hasher runs inline).
 */
const serverHashWorkerFromDist: Plugin = {
  name: 'vod-upload:server-hash-worker-from-dist',
  apply: () => process.env.VITEST !== undefined,
  enforce: 'pre',
  transform(code, id) {
    if (!/\/src\/adapters\/(node|deno|bun)\/(thread|web)-worker\.ts$/.test(id)) return null;
    const out = code.replace(
      /new URL\(\s*\/\* @vite-ignore \*\/\s*'\.\/([a-z]+-hash-worker\.js)',\s*import\.meta\.url\)/,
      (_match, file: string) => `new URL(${JSON.stringify(pathToFileURL(resolve('dist', file)).href)})`,
    );
    return out === code ? null : { code: out, map: null };
  },
};

/** Suites of the library's own modules: in-process, against src, over loopback HTTP at most. */
const UNIT_TESTS = [
  'test/bad-input.test.ts',
  'test/bind-upload.test.ts',
  'test/chaos-faults.test.ts',
  'test/checkpoint-identity.test.ts',
  'test/cli-units.test.ts',
  'test/client.test.ts',
  'test/client-*.test.ts',
  'test/core-*.test.ts',
  'test/deferred-upload.test.ts',
  'test/emulator.test.ts',
  'test/emulator-actions.test.ts',
  'test/emulator-answer.test.ts',
  'test/emulator-api.test.ts',
  'test/emulator-body.test.ts',
  'test/emulator-bounds.test.ts',
  'test/emulator-control.test.ts',
  'test/emulator-control-origin.test.ts',
  'test/emulator-disk.test.ts',
  'test/emulator-disk-layout.test.ts',
  'test/emulator-disk-reopen.test.ts',
  'test/emulator-fault-effects.test.ts',
  'test/emulator-fault-plan.test.ts',
  'test/emulator-fault-rules.test.ts',
  'test/emulator-files.test.ts',
  'test/emulator-gate.test.ts',
  'test/emulator-hashing.test.ts',
  'test/emulator-http.test.ts',
  'test/emulator-link.test.ts',
  'test/emulator-link-options.test.ts',
  'test/emulator-log.test.ts',
  'test/emulator-node-server.test.ts',
  'test/emulator-options.test.ts',
  'test/emulator-routes.test.ts',
  'test/emulator-running-sha1.test.ts',
  'test/emulator-storage-contract.test.ts',
  'test/hasher-chain.test.ts',
  'test/hooks.test.ts',
  'test/import-layers.test.ts',
  'test/node-imports.test.ts',
  'test/overall-percent.test.ts',
  'test/playground-view.test.ts',
  'test/protocol-*.test.ts',
  'test/restrictions.test.ts',
  'test/signature.test.ts',
  'test/signing-smuggling.test.ts',
  'test/source.test.ts',
  'test/upload.test.ts',
  'test/upload-arguments.test.ts',
  'test/upload-checkpoint.test.ts',
  'test/upload-lifecycle.test.ts',
  'test/upload-same-bytes-twice.test.ts',
];

/** Suites that drive a browser engine (Chromium, Firefox, WebKit). */
const BROWSER_TESTS = [
  'test/runtime-chromium.test.ts',
  'test/runtime-firefox.test.ts',
  'test/runtime-webkit.test.ts',
  'test/proxy-chromium.test.ts',
  'test/playground.test.ts',
  'test/playground-pending.test.ts',
  'test/bundle-*.test.ts',
  'test/size.test.ts',
];

export default defineConfig({
  plugins: [hasherWorkerUrl, serverHashWorkerFromDist],
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    lib: { entry: entries, formats: ['es'] },
    rollupOptions: {
      preserveEntrySignatures: 'allow-extension',
      external: (id) => external.some((name) => id === name || id.startsWith(`${name}/`)),
      // One chunk per source module: an app's bundler then drops every module it does not use
      // (package.json `sideEffects: false`), and a lazily imported module (the engine, the
      // fallback hash engines, zod schemas) is never merged into a chunk the page loads at once.
      output: {
        codeSplitting: {
          includeDependenciesRecursively: false,
          // Entry modules stay in their entry file (which then exports exactly their names).
          // package.json (the CLI's version) gets a chunk of its own: left in cli.js, the chunk of
          // src/cli/version.ts imported it back from cli.js, a cycle that ran before cli.js did.
          groups: [
            { debugName: 'package-json', name: (id: string) => (id === resolve('package.json') ? 'package' : null) },
            {
              debugName: 'source-module',
              name: (id: string) => (entryPaths.has(id) ? null : (/\/src\/(.+)\.ts$/.exec(id)?.[1]?.replaceAll('/', '-') ?? null)),
            },
          ],
        },
      },
    },
  },
  test: {
    reporters: ['default', './test/reporters/summary.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // `npm test` runs every project; `npm run test:unit` is the quick loop (no build, no browser,
    // no child runtime).
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT_TESTS } },
      { extends: true, test: { name: 'browsers', include: BROWSER_TESTS } },
      { extends: true, test: { name: 'runtimes', include: ['test/**/*.test.ts'], exclude: [...UNIT_TESTS, ...BROWSER_TESTS] } },
    ],
  },
});
