/**
 * A webpack 5 production build of an app importing `vod-upload` (the `browser` condition) emits
 * the package's hasher worker as its own chunk; in Chromium the file is hashed on that worker
 * and uploaded to the emulator, with no hash-inline warning and no failed request.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_CREDENTIALS } from '../src/emulator/index.js';
import { buildWithWebpack, stageApp, type BundleStage, makeConsumerDir, writeApp, type AppBuild } from './bundle-apps.js';
import { openPage } from './harness/chromium.js';

const APP = `import { upload, createSecretSigner } from 'vod-upload';
import { createBrowserWorkerHasher } from 'vod-upload/browser';

window.bundleCheck = async (connection) => {
  const bytes = new Uint8Array(2.5 * 1048576);
  for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
  const file = new File([bytes], 'webpack.mp4', { lastModified: Date.now() });
  const hasher = createBrowserWorkerHasher();
  const hash = await hasher.hash(file, { partSize: 1048576 });
  const warnings = [];
  const handle = upload(file, { endpoint: connection.endpoint, signer: createSecretSigner(connection), checkpoints: false, hasher });
  handle.on('warning', (warning) => warnings.push(warning.kind));
  const result = await handle.done;
  hasher.close();
  return { runner: hash.runner, engine: hash.engine, sha1: hash.sha1, result, warnings };
};
`;

let dir: string;
let app: AppBuild;
let stage: BundleStage;

beforeAll(async () => {
  dir = await makeConsumerDir('vod-webpack-');
  await writeApp(join(dir, 'app'), APP);
  app = await buildWithWebpack(join(dir, 'app'));
  stage = await stageApp(app);
}, 120_000);

afterAll(async () => {
  await stage?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('bundle: a webpack 5 app in Chromium', () => {
  it('emits the worker as its own chunk', () => {
    expect(app.worker.files.length).toBeGreaterThan(0);
    expect(app.initial.files.some((file) => app.worker.files.includes(file))).toBe(false);
  });

  it('hashes on the bundled worker and uploads, with no warning', async () => {
    const page = await openPage(stage.chromium.browser, stage.site.url('/'));
    await page.page.waitForFunction(() => 'bundleCheck' in window, null, { timeout: 10_000 });
    const connection = { endpoint: stage.emu.endpoint, ...DEV_CREDENTIALS };
    const outcome = await page.evaluate(
      (c) =>
        (
          window as unknown as {
            bundleCheck(c: unknown): Promise<{
              runner: string;
              engine: string;
              sha1: string;
              result: { kind: string; sha1: string; partsSent: number };
              warnings: string[];
            }>;
          }
        ).bundleCheck(c),
      connection,
    );
    expect(outcome).toMatchObject({ runner: 'worker', engine: 'wasm', warnings: [] });
    expect(outcome.result).toMatchObject({ kind: 'new', sha1: outcome.sha1, partsSent: 3 });
    expect(page.errors).toEqual([]);
    expect(page.failedRequests).toEqual([]);
    await page.close();
  }, 60_000);
});
