/**
 * `npm start` as a person runs it: scripts/start.mjs in a child process prints both URLs, the page
 * and the emulator answer, the page's signing route signs, and Ctrl-C (SIGINT) stops it with exit 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const project = resolve(import.meta.dirname, '..');
let child: ChildProcess | undefined;
let data: string | undefined;

afterAll(async () => {
  child?.kill('SIGKILL');
  if (data) await rm(data, { recursive: true, force: true });
});

describe('npm start', () => {
  it('starts the emulator and the playground, prints both URLs, stops on Ctrl-C', async () => {
    data = await mkdtemp(join(tmpdir(), 'vod-start-'));
    const started = performance.now();
    child = spawn(process.execPath, [join(project, 'scripts', 'start.mjs')], {
      cwd: project,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: '0', VOD_EMULATOR_PORT: '0', VOD_DATA: data },
    });
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => (output += text));
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));
    const exited = new Promise<number | null>((done) => child!.on('exit', done));
    const deadline = Date.now() + 20_000;
    while (!/Press Ctrl\+C/.test(output) && Date.now() < deadline && child.exitCode === null)
      await new Promise((done) => setTimeout(done, 50));
    console.info(`npm start ready in ${(performance.now() - started).toFixed(0)} ms`);
    const page = /playground\s+(http:\S+)/.exec(output)?.[1];
    const endpoint = /emulator\s+(http:\S+)/.exec(output)?.[1];
    expect(page, output).toMatch(/^http:\/\/127\.0\.0\.1:[0-9]+\/$/);
    expect(endpoint, output).toMatch(/^http:\/\/127\.0\.0\.1:[0-9]+\/v2\/index\.php$/);

    expect(await (await fetch(page!)).text()).toContain('vod-upload playground');
    const config = (await (await fetch(new URL('/api/config', page))).json()) as { endpoint: string; signUrl: string };
    expect(config.endpoint).toBe(endpoint);
    // The signing route signs an InitUpload for this emulator, and the emulator accepts it.
    const params = {
      Action: 'FinishUpload',
      Region: 'gz',
      Timestamp: String(Math.floor(Date.now() / 1000)),
      Nonce: '4242',
      fileSha: 'a'.repeat(40),
    };
    const host = new URL(endpoint!).host;
    const signed = await fetch(new URL(config.signUrl, page), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ requests: [{ method: 'POST', host, path: '/v2/index.php', params }] }),
    });
    expect(signed.status).toBe(200);
    const { signatures } = (await signed.json()) as { signatures: Record<string, string>[] };
    const answer = (await (await fetch(`${endpoint}?${new URLSearchParams(signatures[0])}`, { method: 'POST' })).json()) as {
      code: number;
    };
    expect(answer.code).toBe(-10005); // signature accepted; there is just no session for this fileSha
    expect((await stat(data)).isDirectory()).toBe(true);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('stopping (SIGINT)');
  }, 30_000);
});
