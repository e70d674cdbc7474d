/**
 * The production bundle of the example page (browser entry + remote signer + proxy signer) must
 * not contain the SecretKey. A control build that does leak it proves the scan sees every file.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, type Plugin, type Rollup } from 'vite';
import { DEV_CREDENTIALS } from '../src/emulator/index.js';

const ROOT = resolve(import.meta.dirname, 'runtimes/proxy/page');

/** Builds the page in memory; returns every output file's name and text. */
async function buildPage(plugins: Plugin[] = []): Promise<{ name: string; text: string }[]> {
  const output = await build({
    configFile: false,
    logLevel: 'warn',
    root: ROOT,
    plugins,
    build: { write: false, minify: true, sourcemap: true, emptyOutDir: false, copyPublicDir: false },
  });
  const results = (Array.isArray(output) ? output : [output]) as Rollup.RollupOutput[];
  return results
    .flatMap((result) => result.output)
    .map((item) => ({
      name: item.fileName,
      text: item.type === 'chunk' ? item.code : typeof item.source === 'string' ? item.source : new TextDecoder().decode(item.source),
    }));
}

const leaks = (files: { name: string; text: string }[]) =>
  files.filter((file) => file.text.includes(DEV_CREDENTIALS.secretKey)).map((file) => file.name);

describe('the browser bundle of the example page', () => {
  it('contains no SecretKey in any output file', async () => {
    const files = await buildPage();
    const names = files.map((file) => file.name);
    console.info(`[bundle] ${names.join(', ')}`);
    expect(names).toContain('index.html');
    expect(names.some((name) => name.endsWith('.js'))).toBe(true);
    // The page really contains the signers and the upload engine.
    const code = files
      .filter((file) => file.name.endsWith('.js'))
      .map((file) => file.text)
      .join('\n');
    expect(code).toContain('signing endpoint');
    expect(code).toContain('vodProxyPage');
    expect(leaks(files)).toEqual([]);
  }, 60_000);

  it('control: a page that does embed the key is caught', async () => {
    const inject: Plugin = {
      name: 'leak-the-key',
      transform(code, id) {
        return id.endsWith('/page/main.ts')
          ? `${code}\nReflect.set(globalThis, "leaked", ${JSON.stringify(DEV_CREDENTIALS.secretKey)});\n`
          : undefined;
      },
    };
    expect(leaks(await buildPage([inject])).length).toBeGreaterThan(0);
  }, 60_000);
});
