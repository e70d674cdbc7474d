/**
 * The CLI through parts refused before their bodies are read (issue 9, bug 1): it completes,
 * and the bin script never ends without a word, even if the command's work stopped unsettled.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliSandbox, cliSandbox } from './helpers/cli-sandbox.js';
import { DEV_CREDENTIALS, startEmulator, type RunningEmulator } from '../src/emulator/index.js';

const { sandbox, bin } = cliSandbox('vod-upload-cli-early-answer');
let emulator: RunningEmulator;
let work: string;

beforeAll(async () => {
  await buildCliSandbox('vod-upload-cli-early-answer');
  work = await mkdtemp(join(tmpdir(), 'vod-cli-early-'));
  emulator = await startEmulator({ port: 0 });
}, 60_000);

afterAll(async () => {
  await emulator?.close();
  await rm(sandbox, { recursive: true, force: true });
  if (work) await rm(work, { recursive: true, force: true });
});

/** Runs `script` with `args` (killed after 30 s); resolves with its exit code and output. */
function run(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: work,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: work, VOD_SECRET_ID: DEV_CREDENTIALS.secretId, VOD_SECRET_KEY: DEV_CREDENTIALS.secretKey },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('vod-upload with parts refused before their bodies are read', () => {
  it('completes an 8 MB file with the issue recipe (4500 twice), byte-exact', async () => {
    const bytes = randomBytes(8 * 1048576);
    await writeFile(join(work, 'eight.mp4'), bytes);
    await emulator.emulator.faults.add({ action: 'UploadPart', kind: 'answer', code: 4500, canRetry: 1, times: 2 });
    const result = await run(bin, ['eight.mp4', '--endpoint', emulator.endpoint, '--checkpoint-dir', join(work, 'checkpoints'), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const record = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { status: string; url: string };
    expect(record.status).toBe('done');
    expect(Buffer.from(await (await fetch(record.url)).arrayBuffer()).equals(bytes)).toBe(true);
  }, 40_000);
});

describe('the bin script', () => {
  it('says so and exits 70 when the command stops with its work unsettled (never a silent 13)', async () => {
    // A copy of the bin next to a cli.js whose main() never settles and keeps nothing alive.
    const fake = join(work, 'fake');
    await mkdir(join(fake, 'bin'), { recursive: true });
    await mkdir(join(fake, 'dist'), { recursive: true });
    await writeFile(join(fake, 'dist', 'cli.js'), 'export function main() { return new Promise(() => {}); }\n');
    const { readFile } = await import('node:fs/promises');
    await writeFile(join(fake, 'bin', 'vod-upload.js'), await readFile(bin));
    await writeFile(join(fake, 'bin', 'lean-heap.js'), await readFile(join(dirname(bin), 'lean-heap.js')));
    const result = await run(join(fake, 'bin', 'vod-upload.js'), ['x.mp4']);
    expect(result.code).toBe(70);
    expect(result.stderr).toContain('stopped before it finished');
  });
});
