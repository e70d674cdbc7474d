/**
 * The Node, Deno and Bun examples of docs/runtimes-server.md and README.md, pasted as they are (only the file name is swapped for a
 * real file), run in their runtime against an emulator: Node (`node -e`), Deno (the script on
 * stdin, with the permissions the docs give), Bun (`bun -e`). Needs the build.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import { REPO_ROOT, runChild, type ServerRuntime } from './runtimes/server-runtime-child.js';

/** Where each document puts its runtime examples: `## Node` in the docs, `**Node**` in the README. */
const DOCS = [
  { path: 'docs/runtimes-server.md', heading: (name: string) => new RegExp(`^## ${name}\\b`, 'm') },
  { path: 'README.md', heading: (name: string) => new RegExp(`^\\*\\*${name}\\*\\*`, 'm') },
];

/** The first ```js block after the runtime's heading. */
function example(markdown: string, doc: (typeof DOCS)[number], heading: string): string {
  const start = markdown.search(doc.heading(heading));
  if (start < 0) throw new Error(`no "${heading}" section in ${doc.path}`);
  const block = /```js\n([\s\S]*?)```/.exec(markdown.slice(start));
  if (!block?.[1]) throw new Error(`no js example under "${heading}" in ${doc.path}`);
  return block[1];
}

/** The permissions the Deno example's first line documents. */
function denoPermissions(code: string): string[] {
  const line = /deno run ((?:--allow-\S+ ?)+)/.exec(code);
  if (!line?.[1]) throw new Error('the Deno example does not say how to run it');
  return line[1].trim().split(/\s+/);
}

describe.each(DOCS)('$path examples run as written', (doc) => {
  let emu: RunningEmulator;
  let dir: string;
  let markdown: string;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0 });
    dir = await mkdtemp(join(tmpdir(), 'vod-docs-'));
    markdown = await readFile(resolve(REPO_ROOT, doc.path), 'utf8');
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
      const code = example(markdown, doc, heading);
      expect(code).toContain("'clip.mp4'");
      const video = join(dir, `${runtime}-clip.mp4`);
      const bytes = new Uint8Array(1_500_000);
      for (let at = 0; at < bytes.length; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536));
      await writeFile(video, bytes);
      const script = code.replace("'clip.mp4'", JSON.stringify(video));
      const credential = emu.credentials[0]!;
      const env = {
        VOD_ENDPOINT: emu.endpoint,
        VOD_SECRET_ID: credential.secretId,
        VOD_SECRET_KEY: credential.secretKey,
        XDG_CACHE_HOME: join(dir, 'cache'),
      };
      const run =
        runtime === 'node'
          ? runChild('node', '--input-type=module', ['-e', script], { timeoutMs: 30_000, env })
          : runtime === 'bun'
            ? runChild('bun', '-e', [script], { timeoutMs: 30_000, env })
            : runChild('deno', '-', [], { timeoutMs: 30_000, env, input: script, denoPermissions: denoPermissions(code) });
      const result = await run;
      const last = result.stdout.trim().split('\n').at(-1) ?? '';
      expect({ code: result.code, last, stderr: result.stderr.slice(-1500) }).toMatchObject({
        code: 0,
        last: expect.stringMatching(/^new \d+ http:\/\/127\.0\.0\.1:\d+\//),
      });
      const fileId = last.split(' ')[1]!;
      const served = new Uint8Array(await (await fetch(last.split(' ')[2]!)).arrayBuffer());
      // Compared as bytes in one call: a deep toEqual of 1.5 MB takes seconds.
      expect(Buffer.from(served).equals(Buffer.from(bytes))).toBe(true);
      expect(fileId).toMatch(/^\d+$/);
    });
  }
});
