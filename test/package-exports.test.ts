/**
 * The published shape: every path in package.json `exports` (and `bin`) exists after the build;
 * `.` offers one API in every runtime (the file each export condition picks), without server
 * internals; each runtime subpath adds its helpers to it; `vod-upload/core` holds the engine.
 * Needs `npm run build` (npm test runs it).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(await readFile(resolve(root, 'package.json'), 'utf8')) as { exports: unknown; bin: Record<string, string> };

function targets(node: unknown, path = ''): [string, string][] {
  if (typeof node === 'string') return [[path, node]];
  return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) => targets(value, `${path}/${key}`));
}

describe('package.json exports', () => {
  it.each(targets(pkg.exports))('%s → %s exists', (_condition, target) => {
    expect(existsSync(resolve(root, target)), `${target} (run npm run build)`).toBe(true);
  });

  it('the bin exists', () => {
    for (const target of Object.values(pkg.bin)) expect(existsSync(resolve(root, target))).toBe(true);
  });

  /** `.` per runtime: the file each export condition picks. */
  const roots = { browser: 'index', node: 'root-node', deno: 'root-deno', bun: 'root-bun', workers: 'root-workers' } as const;
  const load = (file: string) => import(resolve(root, `dist/${file}.js`)) as Promise<Record<string, unknown>>;

  it('`.` has the same names in every runtime, and they are what an SDK user needs', async () => {
    const names = await Promise.all(Object.values(roots).map(async (file) => Object.keys(await load(file)).sort()));
    for (const list of names.slice(1)) expect(list).toEqual(names[0]);
    expect(names[0]).toEqual(
      expect.arrayContaining([
        'upload',
        'createUploadQueue',
        'createRemoteSigner',
        'createProxySigner',
        'createSecretSigner',
        'VodError',
        'VodArgumentError',
        'ClientErrorCode',
        'createMemoryCheckpointStore',
      ]),
    );
  });

  it('`.` exports no server internals and no engine-level upload', async () => {
    const names = Object.keys(await load('index'));
    const internals = [
      'canonicalQuery',
      'hmacBase64',
      'timingSafeEqual',
      'computeSignature',
      'stringToSign',
      'toWire',
      'wireSchemas',
      'answerEnvelope',
      'initUploadParams',
      'parseAnswerJson',
      'bindUpload',
      'uploadWithClient',
      'createVodClient',
    ];
    expect(names.filter((name) => internals.includes(name) || /Wire$|Params$|Answer$/.test(name))).toEqual([]);
  });

  it.each(Object.entries(roots))("the %s subpath has `.`'s API with the same upload, plus its own helpers", async (runtime, file) => {
    const [rootApi, subpath] = await Promise.all([load(file), load(runtime)]);
    for (const name of Object.keys(rootApi)) expect(typeof subpath[name], `${runtime}: ${name}`).toBe(typeof rootApi[name]);
    expect(subpath.upload).toBe(rootApi.upload);
    expect(subpath.createUploadQueue).toBe(rootApi.createUploadQueue);
  });

  it('`vod-upload/core` has the engine under its own name', async () => {
    const core = await load('core');
    expect(typeof core.uploadWithClient).toBe('function');
    expect(typeof core.createUploadQueueWithClient).toBe('function');
    expect(typeof core.createVodClient).toBe('function');
    expect(core.upload).toBeUndefined();
  });
});
