/**
 * esbuild does not bundle workers. An esbuild (ESM) app that follows docs/runtimes-web.md copies
 * the package's self-contained workers (dist/worker/) to its site and passes the default one's
 * URL as `workerUrl`: in Chromium the file is then hashed on that worker and uploads. The same app
 * that skips the copy still uploads correctly, hashing on the page's thread, and its upload emits
 * a `warning` event that says so and why: never silently.
 *
 * Served with a Content-Security-Policy without `'wasm-unsafe-eval'`, the default worker cannot
 * compile WebAssembly: the file is then hashed on the pure-JS worker, still off the page. With a
 * policy that also forbids workers, it is hashed on the page's thread, with the warning.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_CREDENTIALS } from '../src/emulator/index.js';
import {
  buildWithEsbuild,
  stageApp,
  type BundleStage,
  ESBUILD_WORKER_DIR,
  makeConsumerDir,
  writeApp,
  type AppBuild,
} from './bundle-apps.js';
import { openPage, serveDirectory, type StaticSite } from './harness/chromium.js';

const APP = `import { upload, createSecretSigner } from 'vod-upload';
import { createBrowserWorkerHasher } from 'vod-upload/browser';

window.bundleCheck = async (connection, workerUrl) => {
  const bytes = new Uint8Array(2.5 * 1048576);
  for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
  const file = new File([bytes], 'esbuild.mp4', { lastModified: Date.now() });
  const hasher = createBrowserWorkerHasher(workerUrl ? { workerUrl } : {});
  const hash = await hasher.hash(file, { partSize: 1048576 });
  // What the page itself may do: compile a WebAssembly module (8 bytes: the header of an empty one).
  const pageWasm = await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).then(() => 'compiles', (error) => String(error));
  const warnings = [];
  const handle = upload(file, { endpoint: connection.endpoint, signer: createSecretSigner(connection), checkpoints: false, hasher });
  handle.on('warning', (warning) => warnings.push({ kind: warning.kind, message: warning.message }));
  const result = await handle.done;
  hasher.close();
  return { runner: hash.runner, engine: hash.engine, fallbackReason: hash.fallbackReason ?? null, sha1: hash.sha1, pageWasm, result, warnings };
};
`;

interface Outcome {
  runner: string;
  engine: string;
  pageWasm: string;
  fallbackReason: string | null;
  sha1: string;
  result: { kind: string; sha1: string; partsSent: number };
  warnings: { kind: string; message: string }[];
}

let dir: string;
let app: AppBuild;
let stage: BundleStage;
/** The same site under a CSP that forbids WebAssembly ('wasm-unsafe-eval' absent), and one that also forbids workers. */
let noWasmSite: StaticSite;
let noWorkerSite: StaticSite;

beforeAll(async () => {
  dir = await makeConsumerDir('vod-esbuild-');
  await writeApp(join(dir, 'app'), APP);
  app = await buildWithEsbuild(join(dir, 'app'));
  stage = await stageApp(app);
  const policy = `default-src 'self'; connect-src 'self' ${new URL(stage.emu.endpoint).origin}`;
  [noWasmSite, noWorkerSite] = await Promise.all([
    serveDirectory(app.outDir, { headers: { 'Content-Security-Policy': policy } }),
    serveDirectory(app.outDir, { headers: { 'Content-Security-Policy': `${policy}; worker-src 'none'` } }),
  ]);
}, 90_000);

afterAll(async () => {
  await Promise.allSettled([stage?.close(), noWasmSite?.close(), noWorkerSite?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function check(
  workerUrl: string | null,
  site: StaticSite = stage.site,
): Promise<{ outcome: Outcome; failed: string[]; errors: unknown[] }> {
  const page = await openPage(stage.chromium.browser, site.url('/'));
  await page.page.waitForFunction(() => 'bundleCheck' in window, null, { timeout: 10_000 });
  const connection = { endpoint: stage.emu.endpoint, ...DEV_CREDENTIALS };
  const outcome = await page.evaluate(
    ([c, url]) => (window as unknown as { bundleCheck(c: unknown, url: string | null): Promise<Outcome> }).bundleCheck(c, url),
    [connection, workerUrl] as const,
  );
  const result = { outcome, failed: page.failedRequests.map(String), errors: page.errors };
  await page.close();
  return result;
}

describe('bundle: an esbuild (ESM) app in Chromium', () => {
  it('with the worker copied and its URL given: hashes on the worker, uploads, no warning', async () => {
    const { outcome, failed, errors } = await check(`/${ESBUILD_WORKER_DIR}/hasher-worker.js`);
    expect(outcome).toMatchObject({ runner: 'worker', engine: 'wasm', fallbackReason: null, pageWasm: 'compiles', warnings: [] });
    expect(outcome.result).toMatchObject({ kind: 'new', sha1: outcome.sha1, partsSent: 3 });
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);

  it('under a CSP without wasm-unsafe-eval: hashes on the pure-JS worker, uploads, no warning', async () => {
    const { outcome, failed } = await check(`/${ESBUILD_WORKER_DIR}/hasher-worker.js`, noWasmSite);
    expect(outcome.pageWasm, 'the policy forbids WebAssembly').toMatch(/CompileError.*(unsafe-eval|Content Security Policy)/);
    expect(outcome).toMatchObject({ runner: 'worker', engine: 'spark', fallbackReason: null, warnings: [] });
    expect(outcome.result).toMatchObject({ kind: 'new', sha1: outcome.sha1, partsSent: 3 });
    expect(failed).toEqual([]);
  }, 60_000);

  it('under a CSP that also forbids workers: hashes on the page thread in pure JS and says why in a warning event', async () => {
    const { outcome } = await check(`/${ESBUILD_WORKER_DIR}/hasher-worker.js`, noWorkerSite);
    expect(outcome).toMatchObject({ runner: 'inline', engine: 'spark' });
    expect(outcome.fallbackReason).toMatch(/hash worker (did not start|could not be created)/);
    expect(outcome.result).toMatchObject({ kind: 'new', sha1: outcome.sha1, partsSent: 3 });
    expect(outcome.warnings).toEqual([{ kind: 'hash-inline', message: expect.stringMatching(/calling thread: the hash worker/) }]);
  }, 60_000);

  it('without a worker script where it looks: uploads on the page thread and says why in a warning event', async () => {
    const { outcome } = await check(null);
    expect(outcome.runner).toBe('inline');
    expect(outcome.fallbackReason).toMatch(/hash worker did not start/);
    expect(outcome.result).toMatchObject({ kind: 'new', sha1: outcome.sha1, partsSent: 3 });
    expect(outcome.warnings).toEqual([
      { kind: 'hash-inline', message: expect.stringMatching(/calling thread: the hash worker did not start/) },
    ]);
  }, 60_000);
});
