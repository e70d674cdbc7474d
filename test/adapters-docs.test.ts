/**
 * docs/runtimes-server.md's examples, pasted as they are (only the file name is swapped for a
 * real file), run in their runtime against an emulator: Node (`node -e`), Deno (the script on
 * stdin, with the permissions the docs give), Bun (`bun -e`). Needs the build.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import { REPO_ROOT, runChild, type ServerRuntime } from './runtimes/server-runtime-child.js';

const DOC = resolve(REPO_ROOT, 'docs/runtimes-server.md');

/** The first ```js block after the `## <heading>` line. */
function example(markdown: string, heading: string): string {
  const start = markdown.search(new RegExp(`^## ${heading}\\b`, 'm'));
  if (start < 0) throw new Error(`no "## ${heading}" section in ${DOC}`);
  const block = /```js\n([\s\S]*?)```/.exec(markdown.slice(start));
  if (!block?.[1]) throw new Error(`no js example under "## ${heading}"`);
  return block[1];
}

/** The permissions the Deno example's first line documents. */
function denoPermissions(code: string): string[] {
  const line = /deno run ((?:--allow-\S+ ?)+)/.exec(code);
  if (!line?.[1]) throw new Error('the Deno example does not say how to run it');
  return line[1].trim().split(/\s+/);
}

describe('docs/runtimes-server.md examples run as written', () => {
  let emu: RunningEmulator;
  let dir: string;
  let markdown: string;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0 });
    dir = await mkdtemp(join(tmpdir(), 'vod-docs-'));
    markdown = await readFile(DOC, 'utf8');
  });
  afterAll(async () => {
    await emu?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const cases: [ServerRuntime, string][] = [
    ['node', 'Node'],
    ['deno', 'Deno'],
    ['bun', 'Bun'],
  ];
  for (const [runtime, heading] of cases) {
    it(`${heading}: uploads a new file and prints its fileId`, async () => {
      const code = example(markdown, heading);
      expect(code).toContain("'clip.mp4'");
      const video = join(dir, `${runtime}-clip.mp4`);
      const bytes = new Uint8Array(1_500_000);
      for (let at = 0; at < bytes.length; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536));
      await writeFile(video, bytes);
      const script = code.replace("'clip.mp4'", JSON.stringify(video));
      const credential = emu.credentials[0]!;
      const env = { VOD_ENDPOINT: emu.endpoint, VOD_SECRET_ID: credential.secretId, VOD_SECRET_KEY: credential.secretKey, XDG_CACHE_HOME: join(dir, 'cache') };
      const run =
        runtime === 'node'
          ? runChild('node', '--input-type=module', ['-e', script], { timeoutMs: 30_000, env })
          : runtime === 'bun'
            ? runChild('bun', '-e', [script], { timeoutMs: 30_000, env })
            : runChild('deno', '-', [], { timeoutMs: 30_000, env, input: script, denoPermissions: denoPermissions(code) });
      const result = await run;
      const last = result.stdout.trim().split('\n').at(-1) ?? '';
      expect({ code: result.code, last, stderr: result.stderr.slice(-1500) }).toMatchObject({ code: 0, last: expect.stringMatching(/^new \d+ http:\/\/127\.0\.0\.1:\d+\//) });
      const fileId = last.split(' ')[1]!;
      const served = new Uint8Array(await (await fetch(last.split(' ')[2]!)).arrayBuffer());
      // Compared as bytes in one call: a deep toEqual of 1.5 MB takes seconds.
      expect(Buffer.from(served).equals(Buffer.from(bytes))).toBe(true);
      expect(fileId).toMatch(/^\d+$/);
    });
  }
});
