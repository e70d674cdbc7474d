/**
 * The CLI on a real terminal 80 columns wide: tmux runs the bin script, and the screen is read
 * back with capture-pane (what a person sees, wide characters as two cells). Bars while the
 * upload runs, then a summary whose rows fit without wrapping and stay aligned for a CJK name.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliSandbox, cliSandbox } from './helpers/cli-sandbox.js';
import { cellWidth } from '../src/cli/format.js';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';

const NAME = 'vod-upload-cli-screen-test';
const { sandbox, bin } = cliSandbox(NAME);
// A server of our own: never the user's tmux, never another test's.
const SOCKET = `vod-cli-screen-${process.pid}`;
const run = promisify(execFile);
const tmux = (...args: string[]): Promise<{ stdout: string }> =>
  run('tmux', ['-L', SOCKET, ...args], { env: { ...process.env, TMUX: '' } });
let emulator: RunningEmulator;
let work: string;
let haveTmux = true;

beforeAll(async () => {
  haveTmux = await run('tmux', ['-V']).then(
    () => true,
    () => false,
  );
  await buildCliSandbox(NAME);
  work = await mkdtemp(join(tmpdir(), 'vod-cli-screen-'));
  emulator = await startEmulator({ port: 0 });
  await writeFile(join(work, '会议录像 demo.mp4'), randomBytes(3 * 524288 + 5));
  await writeFile(join(work, 'clip-with-a-rather-long-name-for-80-columns-2026-12-02.mov'), randomBytes(2 * 524288 + 9));
  await writeFile(join(work, 'a.mp4'), randomBytes(524288 + 3));
}, 60_000);

afterAll(async () => {
  await tmux('kill-server').catch(() => undefined);
  await emulator?.close();
  await rm(sandbox, { recursive: true, force: true });
  if (work) await rm(work, { recursive: true, force: true });
});

const screen = async (): Promise<string[]> => (await tmux('capture-pane', '-p', '-t', 'cli')).stdout.split('\n');

describe('vod-upload on an 80-column terminal (tmux)', () => {
  it('draws bars that fit, then a summary without wrapped rows, a CJK name aligned', async (context) => {
    if (!haveTmux) context.skip('tmux is not installed (apt-get install tmux)');
    // Parts wait at the emulator, so the bars are on screen long enough to be read.
    const slow = await fetch(`${emulator.origin}/_emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'delay', action: 'UploadPart', ms: 400, times: 1000 }),
    });
    expect(slow.status).toBe(200);
    const command = [
      process.execPath,
      bin,
      '.',
      '--endpoint',
      emulator.endpoint,
      '--checkpoint-dir',
      join(work, 'checkpoints'),
      '--part-size',
      '512k',
      '--concurrency',
      '1',
    ]
      .map((arg) => `'${arg}'`)
      .join(' ');
    await tmux(
      'new-session',
      '-d',
      '-s',
      'cli',
      '-x',
      '80',
      '-y',
      '40',
      '-c',
      work,
      `env -i PATH='${process.env.PATH ?? ''}' HOME='${work}' TERM=xterm-256color ${command}; echo "EXIT=$?"; sleep 600`,
    );

    // While it runs: bar lines, none wider than the terminal, the ETA still on them.
    let during: string[] = [];
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline) {
      during = await screen();
      if (during.some((line) => /[█░]{4,} uploading/.test(line))) break;
      await new Promise((done) => setTimeout(done, 100));
    }
    console.info(`while uploading:\n${during.join('\n').trimEnd()}`);
    const bars = during.filter((line) => /[█░]{4,}/.test(line));
    expect(bars.length).toBeGreaterThanOrEqual(2); // the overall bar and a file's
    for (const line of bars) {
      expect(cellWidth(line.trimEnd())).toBeLessThan(80);
      expect(line).toMatch(/ETA \S+$/);
    }

    let after: string[] = [];
    while (Date.now() < deadline + 30_000) {
      after = await screen();
      if (after.some((line) => line.startsWith('EXIT='))) break;
      await new Promise((done) => setTimeout(done, 100));
    }
    console.info(`at the end:\n${after.join('\n').trimEnd()}`);
    expect(after).toContain('EXIT=0');
    // No bar is left on the screen.
    expect(after.filter((line) => /[█░]{4,}/.test(line))).toEqual([]);
    // Hashing ran on the worker (the fallback would print a warning line per file).
    expect(after.filter((line) => /calling thread|did not start/.test(line))).toEqual([]);

    const header = after.findIndex((line) => /^file\s+size\s+how\s+MB\/s\s+time\s+fileId$/.test(line));
    expect(header).toBeGreaterThan(-1);
    const rows = after.slice(header + 2, header + 5);
    // Each row whole on its own line: name, size, how, speed, time, a fileId at the end.
    for (const row of rows) expect(row).toMatch(/^\S.*\s+[0-9.]+ (KB|MB)\s+new\s+[0-9.]+\s+\S+\s+[0-9]+$/);
    expect(rows.some((row) => row.startsWith('会议录像 demo.mp4 '))).toBe(true);
    expect(rows.some((row) => row.startsWith('…'))).toBe(true); // the long name, shortened
    // Aligned as shown: the size column ends at the same cell in every row, the CJK one included.
    const sizeEnds = rows.map((row) => cellWidth(row.slice(0, row.search(/ (KB|MB) /) + 3)));
    expect(new Set(sizeEnds).size).toBe(1);
    for (const line of after) expect(cellWidth(line.trimEnd())).toBeLessThan(80);
    expect(after.some((line) => line.startsWith('3 of 3 uploaded (3 new)'))).toBe(true);
    await fetch(`${emulator.origin}/_emulator/faults`, { method: 'DELETE' });
  }, 120_000);
});
