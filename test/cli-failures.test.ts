/**
 * The CLI when things go wrong, as a user sees it: a hung server (retry lines, then a named error
 * within --timeout × (retries + 1)), a refused connection and a wrong endpoint (stop after the
 * first file, before hashing the rest), and `--emulator` reruns after Ctrl-C (no hashing again,
 * URLs that work after the run). The real bin script in a child process; servers on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliSandbox, cliSandbox } from './helpers/cli-sandbox.js';
import { startEmulator } from '../src/emulator/index.js';

const NAME = 'vod-upload-cli-failures-test';
const { sandbox, bin } = cliSandbox(NAME);
let work: string;
const children = new Set<ChildProcess>();
const servers: Server[] = [];

beforeAll(async () => {
  await buildCliSandbox(NAME);
  work = await mkdtemp(join(tmpdir(), 'vod-cli-fail-'));
  await writeFile(join(work, 'a.mp4'), randomBytes(700_000));
  // Big enough that hashing it would show in the timings: it must never be read.
  await writeFile(join(work, 'b.mp4'), randomBytes(24 * 1048576));
  await writeFile(join(work, 'c.mp4'), randomBytes(300_000));
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  await rm(sandbox, { recursive: true, force: true });
  if (work) await rm(work, { recursive: true, force: true });
});

interface Line {
  at: number;
  stream: 'out' | 'err';
  text: string;
}

interface Run {
  code: number | null;
  lines: Line[];
  stderr: string;
  records: Record<string, unknown>[];
  ms: number;
  /** `performance.now()` at the spawn: what each line's `at` counts from. */
  startedAt: number;
}

/** Runs the CLI in `cwd` (at most `limitMs`), each output line stamped with ms since the start. */
async function runCli(
  args: string[],
  options: { cwd?: string; limitMs?: number; whileRunning?: (child: ChildProcess, lines: Line[]) => Promise<void> } = {},
): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? work,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: work },
  });
  children.add(child);
  const lines: Line[] = [];
  for (const stream of ['out', 'err'] as const) {
    let partial = '';
    (stream === 'out' ? child.stdout : child.stderr).setEncoding('utf8').on('data', (text: string) => {
      const parts = (partial + text).split('\n');
      partial = parts.pop() ?? '';
      for (const part of parts) lines.push({ at: performance.now() - started, stream, text: part });
    });
  }
  const exited = new Promise<number | null>((done) => child.on('exit', done));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.limitMs ?? 30_000);
  await options.whileRunning?.(child, lines);
  const code = await exited;
  const ms = performance.now() - started;
  clearTimeout(timer);
  children.delete(child);
  const records = lines
    .filter((line) => line.stream === 'out' && line.text.startsWith('{'))
    .map((line) => JSON.parse(line.text) as Record<string, unknown>);
  return {
    code,
    lines,
    stderr: lines
      .filter((line) => line.stream === 'err')
      .map((line) => line.text)
      .join('\n'),
    records,
    ms,
    startedAt: started,
  };
}

/** Waits (polling, at most `ms`) until `check` holds. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

const lineOf = (run: Run, pattern: RegExp): Line | undefined => run.lines.find((line) => pattern.test(line.text));

describe('a server that never answers', () => {
  it('InitUpload: a retry line per failed try, then a named error within --timeout × (retries + 1); the other files never start', async () => {
    const arrivals: number[] = [];
    const hung = createServer(() => arrivals.push(performance.now())); // accepts, reads, never answers
    const port = await listen(hung);
    const timeoutS = 1;
    const retries = 2;
    const run = await runCli([
      'a.mp4',
      'b.mp4',
      '--endpoint',
      `http://127.0.0.1:${port}/v2/index.php`,
      '--timeout',
      String(timeoutS),
      '--retries',
      String(retries),
      '--checkpoint-dir',
      join(work, 'ck-hung'),
    ]);
    console.info(`hung InitUpload:\n${run.lines.map((line) => `${(line.at / 1000).toFixed(2)}s ${line.text}`).join('\n')}`);
    expect(run.code).toBe(1);
    expect(lineOf(run, /^uploading 2 files/)).toBeDefined();
    // Counted from the first InitUpload's arrival, not from the run's start: the worker start and the
    // hashing before it take seconds on a loaded machine, and they are not what this test times.
    expect(arrivals).toHaveLength(retries + 1);
    const asked = arrivals[0]! - run.startedAt;
    const retryLines = run.lines.filter((line) => line.text.startsWith('↻ a.mp4: InitUpload: no answer within 1000 ms (TIMEOUT); try '));
    expect(retryLines.map((line) => /try (\d) of 3 in/.exec(line.text)?.[1])).toEqual(['2', '3']);
    // The first retry line: one timeout after the first request, plus slack.
    expect(retryLines[0]!.at - asked).toBeLessThan(timeoutS * 1000 + 2500);
    const failure = lineOf(run, /^✗ a\.mp4: /)!;
    expect(failure.text).toBe('✗ a.mp4: InitUpload: no answer within 1000 ms (TIMEOUT); run again: resumes from the checkpoint');
    // timeout × attempts, the backoffs (at most 0.5 s + 1 s), and slack for a loaded machine.
    expect(failure.at - asked).toBeLessThan(timeoutS * 1000 * (retries + 1) + 1500 + 2500);
    expect(lineOf(run, /^– b\.mp4: not started: a\.mp4 failed the same way/)).toBeDefined();
    expect(run.stderr.match(/^✗ /gm)).toHaveLength(1); // each failure once
  }, 40_000);

  it('UploadPart: the stalled part is retried (shown), and the upload completes once the server answers again', async () => {
    const emulator = await startEmulator({ port: 0 });
    try {
      const hang = await fetch(`${emulator.origin}/_emulator/faults`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ kind: 'hang', action: 'UploadPart', times: 1 }),
      });
      expect(hang.status).toBe(200);
      const run = await runCli([
        'c.mp4',
        '--endpoint',
        emulator.endpoint,
        '--timeout',
        '1',
        '--json',
        '--checkpoint-dir',
        join(work, 'ck-part'),
      ]);
      expect(run.code, run.stderr).toBe(0);
      const retry = run.records.find((record) => record.type === 'retry');
      expect(retry).toMatchObject({
        file: 'c.mp4',
        what: 'UploadPart at offset 0',
        attempt: 1,
        attempts: 6,
        code: 'TIMEOUT',
        message: 'no answer within 1000 ms',
      });
      expect(Date.parse(retry!.nextAttemptAt as string)).toBeGreaterThan(Date.now() - 60_000);
      expect(run.records.at(-1)).toMatchObject({ type: 'file', file: 'c.mp4', status: 'done', kind: 'new' });
    } finally {
      await emulator.close();
    }
  }, 40_000);
});

describe('an endpoint that cannot work', () => {
  it('a refused connection: exit 1 after a second try naming host and ECONNREFUSED; no file beyond the first is hashed', async () => {
    const port = await closedPort();
    const run = await runCli([
      'a.mp4',
      'b.mp4',
      'c.mp4',
      '--endpoint',
      `http://127.0.0.1:${port}/v2/index.php`,
      '--json',
      '--checkpoint-dir',
      join(work, 'ck-refused'),
    ]);
    const uploading = lineOf(run, /^uploading 3 files/)!;
    console.info(
      `refused: exit after ${run.ms.toFixed(0)} ms, ${(run.ms - uploading.at).toFixed(0)} ms after the run began\n${run.stderr}`,
    );
    expect(run.code).toBe(1);
    // "At once" is counted in attempts, not milliseconds (a loaded machine stretches any bound): before
    // the service ever answered, a second refusal ends the run (one retry shown); the test's time-out bounds a hang.
    expect(run.records.filter((record) => record.type === 'retry').map((record) => [record.what, record.attempt])).toEqual([
      ['InitUpload', 1],
    ]);
    expect(run.stderr).toMatch(
      new RegExp(
        `^✗ a\\.mp4: InitUpload: cannot connect to 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED: connection refused\\); run again`,
        'm',
      ),
    );
    const files = run.records.filter((record) => record.type === 'file');
    expect(files.map((record) => [record.file, record.status])).toEqual([
      ['a.mp4', 'failed'],
      ['b.mp4', 'skipped'],
      ['c.mp4', 'skipped'],
    ]);
  }, 20_000);

  it('a wrong path (an HTML 404 page): stops at once, naming the HTTP status', async () => {
    const emulator = await startEmulator({ port: 0 });
    try {
      const run = await runCli([
        'a.mp4',
        'b.mp4',
        '--endpoint',
        `${emulator.origin}/wrong/path`,
        '--json',
        '--checkpoint-dir',
        join(work, 'ck-404'),
      ]);
      expect(run.code).toBe(1);
      // As for a refused connection, "at once" is no retry (below), not a time.
      expect(lineOf(run, /^uploading 2 files/)).toBeDefined();
      expect(run.stderr).toMatch(/^✗ a\.mp4: .*404/m);
      expect(run.records.filter((record) => record.type === 'retry')).toEqual([]);
      expect(run.records.find((record) => record.file === 'b.mp4')).toMatchObject({ status: 'skipped' });
    } finally {
      await emulator.close();
    }
  }, 20_000);
});

describe('--emulator', () => {
  it('a rerun after Ctrl-C resumes without hashing (hashedBytes 0), leaves no checkpoint, and its URLs answer later from vod-upload emulator --data', async () => {
    const cwd = join(work, 'emu');
    await mkdir(join(cwd, 'videos'), { recursive: true });
    const small = randomBytes(400_000);
    const big = randomBytes(8 * 524288 + 77);
    await writeFile(join(cwd, 'videos', 'a-small.mp4'), small);
    await writeFile(join(cwd, 'videos', 'b-big.mp4'), big);
    // The data directory remembers its port: here one picked now, not the default 8787.
    const port = await closedPort();
    await mkdir(join(cwd, 'data'));
    await writeFile(join(cwd, 'data', 'port'), `${port}\n`);
    const checkpoints = join(cwd, 'checkpoints');
    const args = [
      'videos',
      '--emulator',
      '--emulator-data',
      'data',
      '--checkpoint-dir',
      checkpoints,
      '--json',
      '--part-size',
      '512k',
      '--concurrency',
      '1',
      '--files',
      '1',
    ];

    const first = await runCli(args, {
      cwd,
      async whileRunning(child, lines) {
        await until(() => lines.some((line) => line.text.startsWith('embedded emulator at')), 15_000, 'the emulator');
        // Slow the big file's parts, so Ctrl-C comes in the middle of its upload.
        const slow = await fetch(`http://127.0.0.1:${port}/_emulator/faults`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ kind: 'delay', action: 'UploadPart', ms: 300, times: 1000 }),
        });
        expect(slow.status).toBe(200);
        await until(() => lines.some((line) => line.text.includes('"file":"videos/a-small.mp4"')), 15_000, 'the small file');
        const log = async (): Promise<number> =>
          ((await (await fetch(`http://127.0.0.1:${port}/_emulator/log?entries=0`)).json()) as { counts: Record<string, number> }).counts
            .UploadPart ?? 0;
        const before = await log();
        const deadline = Date.now() + 15_000;
        while ((await log()) < before + 2 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
        child.kill('SIGINT');
      },
    });
    expect(first.code, first.stderr).toBe(130);
    expect(first.stderr).toContain(`embedded emulator at http://127.0.0.1:${port}`);
    const smallRecord = first.records.find((record) => record.file === 'videos/a-small.mp4')!;
    expect(smallRecord).toMatchObject({ status: 'done', kind: 'new' });
    expect(first.records.find((record) => record.file === 'videos/b-big.mp4')).toMatchObject({ status: 'interrupted', resumable: true });
    expect(first.stderr).toMatch(/^■ videos\/b-big\.mp4: interrupted; run again: resumes from the checkpoint$/m);

    // The interrupted upload is listed as pending, with its file and endpoint.
    const pending = await runCli(['pending', '--checkpoint-dir', checkpoints], { cwd });
    expect(pending.code, pending.stderr).toBe(0);
    expect(pending.lines.map((line) => line.text)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^${cwd.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/videos/b-big\\.mp4\\s+4\\.0 MB\\s+just now\\s+http://127\\.0\\.0\\.1:${port}/v2/index\\.php$`,
          ),
        ),
        expect.stringMatching(/^1 pending/),
      ]),
    );

    const rerun = await runCli(args, { cwd });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.records.find((record) => record.file === 'videos/b-big.mp4')).toMatchObject({
      status: 'done',
      kind: 'resumed',
      hashedBytes: 0,
      hashEngine: 'checkpoint',
    });
    expect(rerun.records.find((record) => record.file === 'videos/a-small.mp4')).toMatchObject({
      status: 'done',
      kind: 'instant',
      fileId: smallRecord.fileId,
    });
    // Every checkpoint was used and removed: none left behind for a port that will never come back.
    expect(await readdir(checkpoints).catch(() => [])).toEqual([]);
    expect((await runCli(['pending', '--checkpoint-dir', checkpoints], { cwd })).stderr).toBe('no pending uploads');

    // After the command ended, the documented command serves the printed URL again.
    const server = spawn(process.execPath, [bin, 'emulator', '--data', 'data'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(server);
    let banner = '';
    server.stdout.setEncoding('utf8').on('data', (text: string) => (banner += text));
    try {
      await until(() => banner.includes('Press Ctrl+C'), 15_000, 'vod-upload emulator');
      expect(banner).toContain(`export VOD_ENDPOINT=http://127.0.0.1:${port}/v2/index.php`);
      const response = await fetch(smallRecord.url as string);
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(small)).toBe(true);
    } finally {
      server.kill('SIGTERM');
      await new Promise((done) => server.on('exit', done));
      children.delete(server);
    }
  }, 90_000);
});
