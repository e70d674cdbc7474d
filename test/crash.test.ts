/**
 * Crashes: SIGKILL the CLI while it hashes, between parts and during FinishUpload, and SIGKILL a
 * disk-backed emulator while it holds half a part and while it holds a Finish. Then the same
 * command again: it must complete, the emulator must serve exactly the file's bytes, and the
 * checkpoint must be consistent (valid, for this file, gone once the upload is done).
 *
 * Every kill is triggered by an event (a line the CLI prints, an entry in the emulator's log
 * made by a fault rule that holds the request), never by a sleep.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEV_CREDENTIALS, startEmulator, type FaultRule, type LogEntry } from '../src/emulator/index.js';
import { buildCliSandbox, cliSandbox } from './helpers/cli-sandbox.js';
import { call, initParams } from './helpers/emulator-client.js';

const MiB = 1048576;
/** A CLI run that takes longer is stuck (a fault-free one takes up to 35 s on the loaded shared machine). */
const CLI_BOUND_MS = 120_000;
const SANDBOX = 'vod-upload-crash-test';
const { sandbox, bin } = cliSandbox(SANDBOX);
const children = new Set<ChildProcess>();
let work: string;

beforeAll(async () => {
  await buildCliSandbox(SANDBOX);
  work = await mkdtemp(join(tmpdir(), 'vod-crash-'));
}, 60_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await rm(sandbox, { recursive: true, force: true });
  if (work) await rm(work, { recursive: true, force: true });
});

/** Polls `check` every 20 ms until it is truthy, at most `timeoutMs`. */
async function until<T>(what: string, check: () => T | Promise<T>, timeoutMs = 90_000): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Running {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

function run(args: string[], cwd: string): Running {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: cwd, VOD_SECRET_ID: DEV_CREDENTIALS.secretId, VOD_SECRET_KEY: DEV_CREDENTIALS.secretKey },
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exited.then(() => children.delete(child));
  return { child, output: () => ({ stdout, stderr }), exited };
}

async function kill(running: Running): Promise<void> {
  running.child.kill('SIGKILL');
  await running.exited;
}

/** A test's folder with the file to upload (random bytes, or a sparse file of zeros). */
async function fixture(
  name: string,
  size: number,
  sparse = false,
): Promise<{ dir: string; path: string; bytes: Buffer; sha1: string; checkpoints: string }> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'clip.mp4');
  let bytes: Buffer;
  if (sparse) {
    await writeFile(path, '');
    await truncate(path, size);
    bytes = Buffer.alloc(size);
  } else {
    bytes = randomBytes(size);
    await writeFile(path, bytes);
  }
  return { dir, path, bytes, sha1: createHash('sha1').update(bytes).digest('hex'), checkpoints: join(dir, 'checkpoints') };
}

const uploadArgs = (endpoint: string, file: { path: string; checkpoints: string }, json = true) => [
  file.path,
  '--endpoint',
  endpoint,
  '--concurrency',
  '1',
  '--checkpoint-dir',
  file.checkpoints,
  ...(json ? ['--json'] : []),
];

/** The file's record among the CLI's --json lines (it also writes one per retry). */
function fileRecord(stdout: string): Record<string, unknown> {
  const records = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const record = records.find((entry) => entry.type === 'file');
  expect(record, stdout).toBeDefined();
  return record!;
}

/** Runs the CLI to its end (bounded) and returns its JSON record. */
async function uploadToEnd(endpoint: string, file: { dir: string; path: string; checkpoints: string }): Promise<Record<string, unknown>> {
  const again = run(uploadArgs(endpoint, file), file.dir);
  const code = await Promise.race([
    again.exited,
    new Promise<'bound'>((resolve) => setTimeout(() => resolve('bound'), CLI_BOUND_MS).unref()),
  ]);
  if (code === 'bound') await kill(again);
  expect(code, again.output().stderr).toBe(0);
  return fileRecord(again.output().stdout);
}

/** Every checkpoint record in the folder; each must parse. */
async function checkpointRecords(dir: string): Promise<{ sha1?: string; partMd5s?: string[]; size?: number }[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const records = [];
  for (const name of names.filter((entry) => entry.endsWith('.json')))
    records.push(JSON.parse(await readFile(join(dir, name), 'utf8')) as { sha1?: string });
  return records;
}

const partMd5s = (bytes: Buffer, partSize = MiB): string[] => {
  const list = [];
  for (let offset = 0; offset < bytes.length; offset += partSize)
    list.push(
      createHash('md5')
        .update(bytes.subarray(offset, offset + partSize))
        .digest('hex'),
    );
  return list;
};

/** The emulator serves exactly these bytes at the record's url. */
async function expectServed(record: Record<string, unknown>, file: { bytes: Buffer; sha1: string }): Promise<void> {
  expect(record).toMatchObject({ status: 'done', sha1: file.sha1 });
  const served = Buffer.from(await (await fetch(String(record.url))).arrayBuffer());
  expect(served.length).toBe(file.bytes.length);
  expect(createHash('sha1').update(served).digest('hex')).toBe(file.sha1);
  expect(served.equals(file.bytes)).toBe(true);
}

/** The same command again: it completes as `expected`, the bytes are served, the checkpoint is gone. */
async function rerunCompletes(
  endpoint: string,
  file: Awaited<ReturnType<typeof fixture>>,
  expected: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const record = await uploadToEnd(endpoint, file);
  expect(record).toMatchObject(expected);
  await expectServed(record, file);
  expect(await checkpointRecords(file.checkpoints)).toEqual([]);
  return record;
}

describe('crash: SIGKILL the CLI', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  afterAll(() => emulator?.close());
  beforeEach(() => emulator.emulator.log.clear());
  const held = (test: (entry: LogEntry) => boolean) => () => emulator.emulator.log.entries().some(test);

  it('while hashing: nothing was sent, no checkpoint is left half-written; the rerun hashes and completes', async () => {
    const file = await fixture('kill-cli-hashing', 48 * MiB, true);
    const first = run(uploadArgs(emulator.endpoint, file, false), file.dir);
    await until('the CLI to say it is hashing', () => /clip\.mp4: hashing/.test(first.output().stderr));
    await kill(first);
    expect(emulator.emulator.log.count(), 'killed before InitUpload').toBe(0);
    for (const record of await checkpointRecords(file.checkpoints)) expect(record.sha1).toBe(file.sha1);
    await rerunCompletes(emulator.endpoint, file, { kind: 'new', hashedBytes: file.bytes.length, partsSent: 48 });
  }, 240_000);

  it("between parts: the checkpoint holds this file's hashes; the rerun sends only the missing parts", async () => {
    const file = await fixture('kill-cli-parts', 8 * MiB);
    emulator.emulator.faults.add({ action: 'UploadPart', offset: 3 * MiB, kind: 'hang' });
    const first = run(uploadArgs(emulator.endpoint, file), file.dir);
    await until(
      'the 4th part to be held',
      held((entry) => entry.fault === 'hang'),
    );
    await kill(first);
    expect(emulator.emulator.log.count('UploadPart', 0)).toBe(3);
    const [saved, ...others] = await checkpointRecords(file.checkpoints);
    expect(others).toEqual([]);
    expect(saved).toMatchObject({ sha1: file.sha1, size: file.bytes.length, partMd5s: partMd5s(file.bytes) });
    await rerunCompletes(emulator.endpoint, file, { kind: 'resumed', partsSkipped: 3, partsSent: 5 });
  }, 240_000);

  it('during FinishUpload: the rerun sends no part and finishes', async () => {
    const file = await fixture('kill-cli-finish', 4 * MiB + 123);
    emulator.emulator.faults.add({ action: 'FinishUpload', kind: 'hang' });
    const first = run(uploadArgs(emulator.endpoint, file), file.dir);
    await until(
      'FinishUpload to be held',
      held((entry) => entry.action === 'FinishUpload'),
    );
    await kill(first);
    expect((await checkpointRecords(file.checkpoints)).map((record) => record.sha1)).toEqual([file.sha1]);
    await rerunCompletes(emulator.endpoint, file, { kind: 'resumed', partsSkipped: 5, partsSent: 0 });
  }, 240_000);
});

interface EmulatorProcess {
  running: Running;
  origin: string;
  endpoint: string;
}

/** `vod-upload emulator --data DIR` in a child process; `port` 0 picks one. */
async function emulatorProcess(data: string, port: number): Promise<EmulatorProcess> {
  const running = run(['emulator', '--port', String(port), '--data', data], work);
  const endpoint = await until(
    'the emulator to print its endpoint',
    () => /(?:endpoint:\s+|VOD_ENDPOINT=)(\S+)/.exec(running.output().stdout)?.[1],
    60_000,
  );
  return { running, endpoint, origin: new URL(endpoint).origin };
}

async function queueFault(origin: string, rule: FaultRule): Promise<void> {
  const response = await fetch(`${origin}/_emulator/faults`, { method: 'POST', body: JSON.stringify(rule) });
  expect(response.status).toBe(200);
}

async function logEntries(origin: string): Promise<LogEntry[]> {
  return ((await (await fetch(`${origin}/_emulator/log`)).json()) as { entries: LogEntry[] }).entries;
}

/** SIGKILLs the emulator once `held` shows in its log, restarts it on the same port and data, and lets the CLI end (or runs it again). */
async function killEmulatorWhen(
  name: string,
  rule: FaultRule,
  held: (entry: LogEntry) => boolean,
  file: Awaited<ReturnType<typeof fixture>>,
) {
  const data = join(work, `${name}-data`);
  let emulator = await emulatorProcess(data, 0);
  await queueFault(emulator.origin, rule);
  const cli = run(uploadArgs(emulator.endpoint, file), file.dir);
  await until('the held request in the emulator log', async () => (await logEntries(emulator.origin)).some(held));
  await kill(emulator.running);
  emulator = await emulatorProcess(data, Number(new URL(emulator.endpoint).port));
  // What the restarted emulator lists for this file: only whole parts, each with its true MD5.
  const listed = await call(
    emulator.endpoint,
    'InitUpload',
    initParams({ bytes: file.bytes, fileSha: file.sha1, fileSize: file.bytes.length }),
  );
  const md5s = partMd5s(file.bytes);
  for (const part of listed.answer.listParts ?? []) expect(part.dataMd5).toBe(md5s[part.offset / MiB]);
  // The running CLI may still get through on its retries; if it gave up, the same command again must.
  const code = await Promise.race([
    cli.exited,
    new Promise<'bound'>((resolve) => setTimeout(() => resolve('bound'), CLI_BOUND_MS).unref()),
  ]);
  if (code === 'bound') await kill(cli);
  if (code === 0) {
    const record = fileRecord(cli.output().stdout);
    await expectServed(record, file);
    expect(await checkpointRecords(file.checkpoints)).toEqual([]);
  } else {
    await rerunCompletes(emulator.endpoint, file, { status: 'done' });
  }
  return { emulator, listed: listed.answer };
}

describe('crash: SIGKILL the emulator (disk storage)', () => {
  it('mid-part (half the body received): no half part is listed after the restart, and the upload completes', async () => {
    const file = await fixture('kill-emulator-part', 6 * MiB);
    const { emulator, listed } = await killEmulatorWhen(
      'kill-emulator-part',
      { action: 'UploadPart', offset: 2 * MiB, kind: 'stall', ms: 600_000, readBytes: MiB / 2 },
      (entry) => entry.fault === 'stall',
      file,
    );
    try {
      // Code 2 only if the CLI's own retries finished first; else the parts stored before the kill are listed.
      if (listed.code !== 2) expect((listed.listParts ?? []).map((part) => part.offset)).toEqual(expect.arrayContaining([0, MiB]));
      expect([1, 2]).toContain(listed.code);
    } finally {
      await kill(emulator.running);
    }
  }, 240_000);

  it('mid-Finish: the parts survive the restart, and Finish completes with the right file', async () => {
    const file = await fixture('kill-emulator-finish', 3 * MiB + 77);
    const { emulator, listed } = await killEmulatorWhen(
      'kill-emulator-finish',
      { action: 'FinishUpload', kind: 'hang' },
      (entry) => entry.action === 'FinishUpload',
      file,
    );
    try {
      if (listed.code !== 2) expect(listed.listParts?.length).toBe(4);
      expect([1, 2]).toContain(listed.code);
    } finally {
      await kill(emulator.running);
    }
  }, 240_000);
});
