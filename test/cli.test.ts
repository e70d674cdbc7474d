/**
 * `vod-upload <file|dir>...` as a user runs it: the real bin script in a child process (on a CLI
 * built from the current sources into a private dist/), against an emulator started here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliSandbox, cliSandbox, PROJECT } from './helpers/cli-sandbox.js';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';

const project = PROJECT;
const { sandbox, bin } = cliSandbox('vod-upload-cli-upload-test');
const credentials = { secretId: 'AKIDclitest0000000000000000000001', secretKey: 'cli-test-secret-key-never-printed' };
let emulator: RunningEmulator;
let work: string;
const children = new Set<ChildProcess>();
const contents = new Map<string, Buffer>();

beforeAll(async () => {
  await buildCliSandbox('vod-upload-cli-upload-test');
  work = await mkdtemp(join(tmpdir(), 'vod-cli-'));
  emulator = await startEmulator({ port: 0, credentials: [credentials] });
  // A directory of 3 videos (one in a subfolder) and a text file the walk must skip.
  await mkdir(join(work, 'videos', 'more'), { recursive: true });
  const files: [string, number][] = [
    ['videos/a.mp4', 1_500_000],
    ['videos/b.mov', 700_000],
    ['videos/more/c.mkv', 2_100_000],
  ];
  for (const [path, size] of files) {
    const bytes = randomBytes(size);
    contents.set(path, bytes);
    await writeFile(join(work, path), bytes);
  }
  await writeFile(join(work, 'videos', 'notes.txt'), 'not a video');
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await emulator?.close();
  await rm(sandbox, { recursive: true, force: true });
  if (work) await rm(work, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  records: Record<string, unknown>[];
  ms: number;
}

/** Runs the CLI in `work` (at most 20 s); `whileRunning` may act on the child (e.g. SIGINT). */
async function runCli(
  args: string[],
  options: { env?: Record<string, string>; whileRunning?: (child: ChildProcess) => Promise<void> } = {},
): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: work,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: work, ...options.env },
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((done) => child.on('exit', done));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await options.whileRunning?.(child);
  const code = await exited;
  clearTimeout(timer);
  children.delete(child);
  const records = !args.includes('--json')
    ? []
    : stdout
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, stdout, stderr, records, ms: performance.now() - started };
}

const keys = { VOD_SECRET_ID: credentials.secretId, VOD_SECRET_KEY: credentials.secretKey };
const upload = (paths: string[], extra: string[] = []): string[] => [
  ...paths,
  '--endpoint',
  emulator.endpoint,
  '--checkpoint-dir',
  join(work, 'checkpoints'),
  '--json',
  ...extra,
];

async function fetchBytes(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe('vod-upload <dir> --json', () => {
  it('uploads a directory of 3 videos (skipping the text file), then finds all 3 instant', async () => {
    const first = await runCli(upload(['videos']), { env: keys });
    console.info(`first run: ${first.ms.toFixed(0)} ms`);
    expect(first.code, first.stderr).toBe(0);
    expect(first.records.map((record) => record.file).sort()).toEqual(['videos/a.mp4', 'videos/b.mov', 'videos/more/c.mkv']);
    for (const record of first.records) {
      expect(record).toMatchObject({ status: 'done', kind: 'new', instant: false, partsSkipped: 0 });
      expect(record.fileId).toMatch(/^[0-9]+$/);
      expect(record.hashedBytes).toBe(record.size);
      // The emulator holds exactly the bytes of the file.
      expect((await fetchBytes(record.url as string)).equals(contents.get(record.file as string)!)).toBe(true);
    }
    // The SecretKey is used, never shown.
    expect(first.stdout + first.stderr).not.toContain(credentials.secretKey);

    const second = await runCli(upload(['videos']), { env: keys });
    expect(second.code, second.stderr).toBe(0);
    expect(second.records).toHaveLength(3);
    for (const record of second.records) {
      expect(record).toMatchObject({ status: 'done', kind: 'instant', instant: true, partsSent: 0 });
      expect(record.fileId).toBe(first.records.find((other) => other.file === record.file)!.fileId);
    }
  });

  it('stops cleanly on SIGINT mid-upload (exit 130) and the rerun resumes without hashing (hashedBytes 0)', async () => {
    const bytes = randomBytes(6 * 524288 + 1234);
    await writeFile(join(work, 'slow.mp4'), bytes);
    // Every part waits 150 ms at the emulator, so the upload is still running when we interrupt.
    const faults = await fetch(`${emulator.origin}/_emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'delay', action: 'UploadPart', ms: 150, times: 1000 }),
    });
    expect(faults.status).toBe(200);
    emulator.emulator.log.clear();
    const args = upload(['slow.mp4'], ['--part-size', '512k', '--concurrency', '1']);

    const interrupted = await runCli(args, {
      env: keys,
      async whileRunning(child) {
        const deadline = Date.now() + 10_000;
        while (emulator.emulator.log.count('UploadPart') < 2 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
        child.kill('SIGINT');
      },
    });
    expect(interrupted.code, interrupted.stderr).toBe(130);
    expect(interrupted.records).toEqual([expect.objectContaining({ file: 'slow.mp4', status: 'interrupted' })]);
    expect(interrupted.stderr).toMatch(/^■ slow\.mp4: interrupted; run again: resumes from the checkpoint$/m);
    const partsBefore = emulator.emulator.log.count('UploadPart');
    expect(partsBefore).toBeGreaterThanOrEqual(2);
    expect(partsBefore).toBeLessThan(7);

    await fetch(`${emulator.origin}/_emulator/faults`, { method: 'DELETE' });
    const resumed = await runCli(args, { env: keys });
    expect(resumed.code, resumed.stderr).toBe(0);
    const [record] = resumed.records;
    expect(record).toMatchObject({ status: 'done', kind: 'resumed', hashedBytes: 0, hashEngine: 'checkpoint' });
    expect(record!.partsSkipped).toBeGreaterThanOrEqual(1);
    expect((record!.partsSkipped as number) + (record!.partsSent as number)).toBe(7);
    expect((await fetchBytes(record!.url as string)).equals(bytes)).toBe(true);
  });

  it('prints progress lines and a summary table when not on a terminal', async () => {
    const run = await runCli([...upload(['videos/a.mp4']).filter((arg) => arg !== '--json')], { env: keys });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('→ videos/a.mp4');
    expect(run.stdout).toMatch(/file\s+size\s+how\s+MB\/s\s+time\s+fileId\n/);
    expect(run.stdout).toMatch(/videos\/a\.mp4\s+1\.4 MB\s+(new|instant)\s+\S+\s+\S+\s+[0-9]+\n/);
    expect(run.stdout).toMatch(/videos\/a\.mp4\s+http:\/\/127\.0\.0\.1:[0-9]+\/vod\/[0-9]+\/f0\.mp4\n/);
    expect(run.stdout).toMatch(/1 of 1 uploaded \(1 (new|instant)\)/);
  });

  it('draws live bars on a terminal (a pseudo-terminal from script(1)), then the summary', async () => {
    const bytes = randomBytes(2_500_000);
    await writeFile(join(work, 'tty.mp4'), bytes);
    const command = [
      process.execPath,
      bin,
      'tty.mp4',
      '--endpoint',
      emulator.endpoint,
      '--checkpoint-dir',
      join(work, 'checkpoints'),
      '--part-size',
      '512k',
    ]
      .map((arg) => `'${arg}'`)
      .join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: work, TERM: 'xterm', COLUMNS: '120', ...keys },
    });
    children.add(child);
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    clearTimeout(timer);
    children.delete(child);
    expect(code, output).toBe(0);
    expect(output).toMatch(/tty\.mp4 +[█░]+ (hashing|uploading|finishing)/);
    expect(output).toMatch(/all [01]\/1 files +[█░]+/);
    expect(output).toContain('\u001B[?25h'); // the cursor is shown again
    expect(output).toMatch(/✓ tty\.mp4 +new/);
    expect(output).toContain('1 of 1 uploaded (1 new)');
  });

  it('exits 1 and explains each failure in one line with its code', async () => {
    // A wrong key: the emulator answers code -10002 (signature wrong).
    const run = await runCli(upload(['videos/b.mov']), { env: { VOD_SECRET_ID: credentials.secretId, VOD_SECRET_KEY: 'wrong-key' } });
    expect(run.code).toBe(1);
    expect(run.records).toEqual([
      expect.objectContaining({ status: 'failed', error: expect.objectContaining({ code: -10002, canRetry: false }) }),
    ]);
    expect(run.stderr).toMatch(/^✗ videos\/b\.mov: InitUpload failed with code -10002 .*[^)]$/m);
    expect(run.stderr.match(/✗/g)).toHaveLength(1);
  });
});

describe('usage errors exit 2 and name the flag', () => {
  const cases: [string[], RegExp][] = [
    [['videos', '--bogus'], /--bogus/],
    [['videos', '--part-size', '3m'], /--part-size: expected 512k or 1m/],
    [['videos', '--files', '0'], /--files: expected a whole number from 1 to 16/],
    [['videos', '--concurrency', 'many'], /--concurrency/],
    [['videos', '--emulator', '--endpoint', 'http://127.0.0.1:1/v2/index.php'], /--emulator and --endpoint/],
    [
      ['videos', '--secret-id', 'AKIDalone', '--endpoint', 'https://vod2.qcloud.com/v2/index.php'],
      /--secret-key \(or VOD_SECRET_KEY\): missing/,
    ],
    [['videos', '--endpoint', 'https://vod2.qcloud.com/v2/index.php'], /--secret-id\/--secret-key: missing.*--emulator/],
    [['no-such-dir'], /no such file or directory: no-such-dir/],
    [['videos', '--endpoint', 'ftp://x'], /--endpoint: expected an http\(s\) URL/],
  ];
  it.each(cases)('%j', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('--help prints the usage and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: vod-upload <file|dir>...');
  });
});

describe('the same bin under Deno and Bun', () => {
  const runtimes: [string, string[]][] = [
    ['bun', [join(project, 'node_modules', '.bin', 'bun'), bin]],
    ['deno', [join(project, 'node_modules', '.bin', 'deno'), 'run', '--allow-all', bin]],
  ];
  it.each(runtimes)(
    '%s uploads a file and reports it as JSON',
    async (name, [command, ...prefix]) => {
      const bytes = randomBytes(900_000 + name.length);
      await writeFile(join(work, `${name}.mp4`), bytes);
      const child = spawn(command!, [...prefix, ...upload([`${name}.mp4`])], {
        cwd: work,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...keys, HOME: work },
      });
      children.add(child);
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
      child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
      const code = await new Promise<number | null>((done) => {
        child.on('exit', done);
        child.on('error', (error) => {
          stderr += `${error.message} (is ${name} installed? npm install puts it in node_modules/.bin)`;
          done(-1);
        });
      });
      clearTimeout(timer);
      children.delete(child);
      expect(code, stderr).toBe(0);
      const record = JSON.parse(stdout.trim()) as Record<string, unknown>;
      expect(record).toMatchObject({ file: `${name}.mp4`, status: 'done', kind: 'new', size: bytes.length });
      expect((await fetchBytes(record.url as string)).equals(bytes)).toBe(true);
    },
    30_000,
  );
});
