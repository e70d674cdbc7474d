/** The CLI's pure parts: argument checks, walking, meters, bar lines, the summary. */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutFor, renderBar, renderBarLine } from '../src/cli/bar-line.js';
import { UsageError } from '../src/cli/emulator-command.js';
import { createFileMeter } from '../src/cli/file-meter.js';
import { fitLeft, formatBytes, formatDuration, formatRate } from '../src/cli/format.js';
import { failureOutcome, toJsonRecord, type FileOutcome } from '../src/cli/outcome.js';
import { renderSummary } from '../src/cli/summary.js';
import { isLoopback } from '../src/cli/target.js';
import { parseUploadArgs } from '../src/cli/upload-args.js';
import { collectFiles } from '../src/cli/walk.js';
import type { UploadResult } from '../src/core/index.js';
import { VodError } from '../src/protocol/index.js';

const file = (display: string, size: number) => ({ display, absolute: `/x/${display}`, name: display, size, mtimeMs: 1 });

describe('parseUploadArgs', () => {
  it('reads flags, env keys and defaults', () => {
    const args = parseUploadArgs(['a.mp4', 'dir', '--part-size', '512K', '--files', '3', '--concurrency', '8', '--json'], { VOD_SECRET_ID: 'AKID', VOD_SECRET_KEY: 'k' });
    expect(args).toMatchObject({ paths: ['a.mp4', 'dir'], partSize: 524288, files: 3, concurrency: 8, json: true, secretId: 'AKID', secretKey: 'k', emulator: false, emulatorData: '.vod-data' });
    expect(parseUploadArgs(['x', '--secret-id', 'A', '--secret-key', 'B'], { VOD_SECRET_ID: 'E', VOD_SECRET_KEY: 'F' })).toMatchObject({ secretId: 'A', secretKey: 'B' });
    expect(parseUploadArgs(['x'])).toMatchObject({ partSize: 1048576, files: 2, concurrency: 4, all: false, quiet: false });
  });

  it.each([
    [['x', '--nope'], /--nope/],
    [['x', '--part-size', '2m'], /--part-size/],
    [['x', '--files', '17'], /--files: expected a whole number from 1 to 16/],
    [['x', '--concurrency', '-1'], /--concurrency/],
    [['x', '--region', ''], /--region: expected a value/],
    [['x', '--emulator-data', 'd'], /--emulator-data: only with --emulator/],
    [[], /no files given/],
  ])('%j is a usage error naming the flag', (argv, message) => {
    expect(() => parseUploadArgs(argv)).toThrow(UsageError);
    expect(() => parseUploadArgs(argv)).toThrow(message);
  });
});

describe('collectFiles', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vod-walk-'));
    await mkdir(join(root, 'd', 'sub'), { recursive: true });
    await mkdir(join(root, 'd', '.hidden'), { recursive: true });
    for (const name of ['d/b.MP4', 'd/a.mov', 'd/sub/c.webm', 'd/readme.txt', 'd/.hidden/x.mp4', 'e.txt']) await writeFile(join(root, name), 'x');
    await symlink(join(root, 'd'), join(root, 'd', 'sub', 'loop'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('walks directories for videos in name order, keeps explicit files, skips hidden entries and directory links', async () => {
    const found = await collectFiles(['d', 'e.txt', 'd/a.mov'], { all: false, cwd: root });
    expect(found.map((entry) => entry.display)).toEqual(['d/a.mov', 'd/b.MP4', 'd/sub/c.webm', 'e.txt']);
    expect(found[0]).toMatchObject({ name: 'a.mov', size: 1 });
  });

  it('--all takes every file; a missing path is a usage error', async () => {
    expect((await collectFiles(['d'], { all: true, cwd: root })).map((entry) => entry.name)).toEqual(['a.mov', 'b.MP4', 'readme.txt', 'c.webm']);
    await expect(collectFiles(['d', 'gone.mp4'], { all: false, cwd: root })).rejects.toThrow(/no such file or directory: gone\.mp4/);
  });
});

describe('meters and lines', () => {
  it('measures hashing speed itself and takes upload speed from the core', () => {
    let now = 1000;
    const meter = createFileMeter(4_000_000, () => now);
    expect(meter.view()).toMatchObject({ phase: 'waiting', fraction: 0 });
    const base = { sentBytes: 0, ackedBytes: 0, totalBytes: 4_000_000, speed: 0, eta: undefined, percent: 0, overallPercent: 0 };
    meter.update({ ...base, phase: 'hashing', hashedBytes: 0 });
    now += 1000;
    meter.update({ ...base, phase: 'hashing', hashedBytes: 1_000_000 });
    expect(meter.view()).toMatchObject({ phase: 'hashing', value: 1_000_000, fraction: 0.25, speed: 1_000_000, eta: 3 });
    meter.update({ ...base, phase: 'uploading', hashedBytes: 4_000_000, ackedBytes: 2_000_000, speed: 500_000, eta: 4 });
    expect(meter.view()).toMatchObject({ phase: 'uploading', value: 2_000_000, fraction: 0.5, speed: 500_000, eta: 4 });
    meter.update({ ...base, phase: 'done', hashedBytes: 4_000_000, ackedBytes: 4_000_000 });
    expect(meter.view()).toMatchObject({ fraction: 1, eta: 0 });
  });

  it('renders a bar line with name, bar, phase, percent, bytes, speed and ETA', () => {
    expect(renderBar(0.5, 10)).toBe('█████░░░░░');
    expect(renderBar(2, 4)).toBe('████');
    const line = renderBarLine('clip.mp4', { phase: 'uploading', value: 1572864, total: 3145728, fraction: 0.5, speed: 2097152, eta: 0.75 }, { labelWidth: 12, barWidth: 10 });
    expect(line).toBe('clip.mp4     █████░░░░░ uploading  50%  1.5 MB/3.0 MB          2.0 MB/s  ETA 0.8s');
    expect(layoutFor(80).labelWidth + layoutFor(80).barWidth).toBeLessThanOrEqual(80 - 40);
  });

  it('formats sizes, rates, durations and long names', () => {
    expect([formatBytes(0), formatBytes(1536), formatBytes(5 * 1048576), formatBytes(300 * 1073741824)]).toEqual(['0 B', '1.5 KB', '5.0 MB', '300 GB']);
    expect([formatRate(0), formatRate(1048576)]).toEqual(['–', '1.0 MB/s']);
    expect([formatDuration(undefined), formatDuration(3.25), formatDuration(75), formatDuration(3720)]).toEqual(['–', '3.3s', '1m15s', '1h02m']);
    expect(fitLeft('a/very/long/name.mp4', 10)).toBe('…/name.mp4');
    expect(isLoopback('http://127.0.0.1:8787/v2/index.php')).toBe(true);
    expect(isLoopback('https://vod2.qcloud.com/v2/index.php')).toBe(false);
  });
});

describe('outcomes and the summary', () => {
  const result: UploadResult = {
    fileId: '16092504232103571364', url: 'http://e/vod/16092504232103571364/f0.mp4', instant: false, kind: 'resumed', sha1: 'a'.repeat(40),
    size: 2097152, partSize: 1048576, partsSent: 1, partsSkipped: 1, hashedBytes: 0, hashEngine: 'checkpoint',
  };
  const done: FileOutcome = { file: file('a.mp4', 2097152), status: 'done', result, ms: 1000 };
  const failed = failureOutcome(file('b.mov', 10), new VodError({ code: -10006, message: 'Body invalid', canRetry: true }), 500, false);
  const interrupted = failureOutcome(file('c.mkv', 10), new VodError({ code: 'ABORTED', message: 'aborted', canRetry: false }), 200, true);

  it('JSON records keep the fileId as a string and carry the failure code', () => {
    expect(toJsonRecord(done)).toMatchObject({ file: 'a.mp4', status: 'done', fileId: '16092504232103571364', kind: 'resumed', hashedBytes: 0, mbps: 2, seconds: 1 });
    expect(toJsonRecord(failed)).toEqual({ file: 'b.mov', size: 10, status: 'failed', seconds: 0.5, error: { code: -10006, canRetry: true, message: 'Body invalid' } });
    expect(interrupted.status).toBe('interrupted');
  });

  it('the summary has a row per file and a totals line', () => {
    const text = renderSummary([done, failed, interrupted], 1500);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^file\s+size\s+fileId\s+url\s+how\s+MB\/s\s+time$/);
    expect(lines[2]).toMatch(/^a\.mp4\s+2\.0 MB\s+16092504232103571364\s+http:\/\/e\/vod\/\S+\s+resumed\s+2\.0\s+1\.0s$/);
    expect(lines[3]).toMatch(/^b\.mov\s+10 B\s+–\s+–\s+failed/);
    expect(lines.at(-1)).toBe('1 of 3 uploaded (1 resumed), 1 failed, 1 interrupted, 2.0 MB in 1.5s');
  });
});
