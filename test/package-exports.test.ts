/**
 * The published shape: every path in package.json `exports` (and `bin`) exists after the build,
 * and every runtime entry offers the same upload API. Needs `npm run build` (npm test runs it).
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

  it.each(['node', 'deno', 'bun', 'browser', 'workers'])('the %s entry has the same upload API', async (name) => {
    const entry = (await import(resolve(root, `dist/${name}.js`))) as Record<string, unknown>;
    for (const member of ['upload', 'createUploadQueue', 'createVodClient', 'createSecretSigner', 'createRemoteSigner', 'VodError']) {
      expect(typeof entry[member], `${name}: ${member}`).toBe('function');
    }
  });
});
