/**
 * docs/proxy.md's Deno and Bun servers, pasted as they are (only the port changed), serve the
 * upload proxy in the real runtime; a full upload goes through each to the emulator, which
 * verifies the file, and a caller without the token is refused with nothing forwarded. Needs the
 * build (the snippets import `vod-upload/proxy`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVodClient } from '../src/client/index.js';
import { uploadWithClient as upload, VodError } from '../src/engine.js';
import { createProxySigner } from '../src/signing/index.js';
import {
  countingHasher,
  randomFile,
  sha1Of,
  bytesOf,
  startEmulator,
  DEV_CREDENTIALS,
  type RunningEmulator,
} from './helpers/upload-stack.js';
import { command, REPO_ROOT } from './runtimes/server-runtime-child.js';

const TOKEN = 'docs-token';
// Inside the repository, so `vod-upload/proxy` resolves to this package (self-reference).
const WORK = resolve(REPO_ROOT, 'test-results/proxy-runtimes');

function snippet(markdown: string, heading: string): string {
  const start = markdown.search(new RegExp(`^### ${heading}$`, 'm'));
  if (start < 0) throw new Error(`no "### ${heading}" in docs/proxy.md`);
  const block = /```ts\n([\s\S]*?)```/.exec(markdown.slice(start));
  if (!block?.[1]) throw new Error(`no ts block under "### ${heading}"`);
  return block[1];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Waits (bounded) until something answers on `origin`. */
async function waitForServer(origin: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}): ${output()}`);
    try {
      await fetch(origin, { method: 'OPTIONS' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`no server on ${origin} within 20 s: ${output()}`);
}

let emu: RunningEmulator;
let markdown: string;
beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  markdown = await readFile(resolve(REPO_ROOT, 'docs/proxy.md'), 'utf8');
  await mkdir(WORK, { recursive: true });
});
afterAll(async () => {
  await emu?.close();
  await rm(WORK, { recursive: true, force: true });
});
beforeEach(() => emu.emulator.log.clear());

describe.each([
  ['deno', 'Deno'],
  ['bun', 'Bun'],
] as const)('docs/proxy.md: the proxy on %s', (runtime, heading) => {
  let child: ChildProcess;
  let endpoint: string;
  let output = '';

  beforeAll(async () => {
    const port = await freePort();
    const code = snippet(markdown, heading).replace('port: 8788', `port: ${port}`);
    expect(code).toContain(`port: ${port}`);
    const file = join(WORK, `${runtime}-proxy.ts`);
    await writeFile(file, code);
    const { file: executable, args } = command(runtime, ['--allow-net', '--allow-env']);
    child = spawn(executable, [...args, file], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        VOD_SECRET_ID: DEV_CREDENTIALS.secretId,
        VOD_SECRET_KEY: DEV_CREDENTIALS.secretKey,
        VOD_UPSTREAM: emu.endpoint,
        UPLOAD_TOKEN: TOKEN,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    endpoint = `http://127.0.0.1:${port}/v2/index.php`;
    await waitForServer(`http://127.0.0.1:${port}/`, child, () => output);
  }, 30_000);
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('forwards a full upload that the emulator verifies', async () => {
    const client = createVodClient({ endpoint, signer: createProxySigner(), pacer: false, headers: { Authorization: `Bearer ${TOKEN}` } });
    const file = randomFile(2 * 1048576 + 77);
    const result = await upload(file, { client, hasher: countingHasher(), checkpoints: false }).done;
    expect(result).toMatchObject({ kind: 'new', partsSent: 3 });
    expect(emu.emulator.log.count('UploadPart', 0)).toBe(3);
    const served = Buffer.from(await (await fetch(result.url)).arrayBuffer());
    expect(sha1Of(served)).toBe(sha1Of(await bytesOf(file)));
  });

  it('refuses a caller without the token in the protocol shape, forwarding nothing', async () => {
    const client = createVodClient({ endpoint, signer: createProxySigner(), pacer: false });
    const error = await upload(randomFile(100), { client, hasher: countingHasher(), checkpoints: false, retry: { retries: 0 } }).done.catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VodError);
    expect(error).toMatchObject({ code: 4300, canRetry: false, action: 'InitUpload' });
    expect(emu.emulator.log.count()).toBe(0);
  });
});
