/** The CLI's pure parts: argument checks, walking, meters, bar lines, the summary. */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutFor, renderBar, renderBarLine, renderOverallLine } from '../src/cli/bar-line.js';
import { UsageError } from '../src/cli/usage-error.js';
import { createFileMeter } from '../src/cli/file-meter.js';
import { cellWidth, fitLeft, fitRight, formatBytes, formatDuration, formatRate, wrapCells } from '../src/cli/format.js';
import { explainError, failsEveryFile, isUnreachable, isWrongEndpoint } from '../src/cli/explain.js';
import { closestFlag } from '../src/cli/flags.js';
import { failureLine, failureOutcome, skippedOutcome, toJsonRecord, type FileOutcome } from '../src/cli/outcome.js';
import { retryLine, retryNotice, retryRecord } from '../src/cli/retry-notice.js';
import { renderSummary } from '../src/cli/summary.js';
import { isLoopback } from '../src/cli/target.js';
import { createPlainReporter } from '../src/cli/reporter-plain.js';
import { parseUploadArgs } from '../src/cli/upload-args.js';
import { collectFiles } from '../src/cli/walk.js';
import type { UploadHandle, UploadProgress, UploadResult } from '../src/core/index.js';
import { VodError } from '../src/protocol/index.js';

const file = (display: string, size: number) => ({ display, absolute: `/x/${display}`, name: display, size, mtimeMs: 1 });

describe('parseUploadArgs', () => {
  it('reads flags, env keys and defaults', () => {
    const args = parseUploadArgs(['a.mp4', 'dir', '--part-size', '512K', '--files', '3', '--concurrency', '8', '--json'], {
      VOD_SECRET_ID: 'AKID',
      VOD_SECRET_KEY: 'k',
    });
    expect(args).toMatchObject({
      paths: ['a.mp4', 'dir'],
      partSize: 524288,
      files: 3,
      concurrency: 8,
      json: true,
      secretId: 'AKID',
      secretKey: 'k',
      emulator: false,
      emulatorData: '.vod-data',
    });
    expect(parseUploadArgs(['x', '--secret-id', 'A', '--secret-key', 'B'], { VOD_SECRET_ID: 'E', VOD_SECRET_KEY: 'F' })).toMatchObject({
      secretId: 'A',
      secretKey: 'B',
    });
    expect(parseUploadArgs(['x'])).toMatchObject({ partSize: 1048576, files: 2, concurrency: 'auto', all: false, quiet: false });
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
    for (const name of ['d/b.MP4', 'd/a.mov', 'd/sub/c.webm', 'd/readme.txt', 'd/.hidden/x.mp4', 'e.txt'])
      await writeFile(join(root, name), 'x');
    await symlink(join(root, 'd'), join(root, 'd', 'sub', 'loop'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('walks directories for videos in name order, keeps explicit files, skips hidden entries and directory links', async () => {
    const found = await collectFiles(['d', 'e.txt', 'd/a.mov'], { all: false, cwd: root });
    expect(found.map((entry) => entry.display)).toEqual(['d/a.mov', 'd/b.MP4', 'd/sub/c.webm', 'e.txt']);
    expect(found[0]).toMatchObject({ name: 'a.mov', size: 1 });
  });

  it('--all takes every file; a missing path is a usage error', async () => {
    expect((await collectFiles(['d'], { all: true, cwd: root })).map((entry) => entry.name)).toEqual([
      'a.mov',
      'b.MP4',
      'readme.txt',
      'c.webm',
    ]);
    await expect(collectFiles(['d', 'gone.mp4'], { all: false, cwd: root })).rejects.toThrow(/no such file or directory: gone\.mp4/);
  });
});

describe('meters and lines', () => {
  it('measures hashing speed itself and takes upload speed from the core', () => {
    let now = 1000;
    const meter = createFileMeter(4_000_000, () => now);
    expect(meter.view()).toMatchObject({ phase: 'waiting', fraction: 0 });
    const base = {
      sentBytes: 0,
      ackedBytes: 0,
      totalBytes: 4_000_000,
      speed: 0,
      eta: undefined,
      percent: 0,
      overallPercent: 0,
      concurrency: 4,
    };
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
    const view = { phase: 'uploading', value: 1572864, total: 3145728, fraction: 0.5, speed: 2097152, eta: 0.75 } as const;
    const line = renderBarLine('clip.mp4', view, { labelWidth: 12, barWidth: 10, showBytes: true });
    expect(line).toBe('clip.mp4     █████░░░░░ uploading  50%  1.5 MB/3.0 MB     2.0 MB/s  ETA 0.8s');
    expect(renderBarLine('clip.mp4', view, { labelWidth: 12, barWidth: 10, showBytes: false })).toBe(
      'clip.mp4     █████░░░░░ uploading  50%   2.0 MB/s  ETA 0.8s',
    );
  });

  it.each([80, 100, 120, 60])('every bar line fits %i columns, a CJK name included, with the ETA', (columns) => {
    const layout = layoutFor(columns);
    const slow = { phase: 'hashing', value: 1, total: 300 * 1048576, fraction: 0.01, speed: 1023 * 1048576, eta: 3725 } as const;
    for (const name of ['会议录像 demo 会议录像 demo 会议录像.mp4', 'a.mp4', 'x'.repeat(200)]) {
      const line = renderBarLine(name, slow, layout);
      expect(cellWidth(line), line).toBeLessThan(columns);
      expect(line).toContain('ETA 1h02m');
    }
    expect(cellWidth(renderOverallLine('all 10/10 files', 5e9, 6e9, 1023 * 1048576, 3725, layout))).toBeLessThan(columns);
    expect(cellWidth(renderOverallLine('all 10/10 files', 5e9, 6e9, 1023 * 1048576, 3725, layout, 0.995, 32))).toBeLessThan(columns);
    // Columns after the name start at the same cell whatever the name's script.
    const cjk = renderBarLine('会议录像.mp4', slow, layout);
    const latin = renderBarLine('abcdefgh.mp4', slow, layout);
    expect(cellWidth(cjk.slice(0, cjk.indexOf('█')))).toBe(cellWidth(latin.slice(0, latin.indexOf('█'))));
  });

  it('the overall line shows how many parts may be in flight (what --concurrency auto reached) in the percent column', () => {
    const layout = { labelWidth: 16, barWidth: 10, showBytes: false };
    expect(renderOverallLine('all 0/1 files', 1e6, 4e6, 2e6, 1.5, layout, 0.25, 12)).toBe(
      'all 0/1 files    ███░░░░░░░  12 parts  25%   1.9 MB/s  ETA 1.5s',
    );
    expect(renderOverallLine('all 0/1 files', 1e6, 4e6, 2e6, 1.5, layout, 0.25)).toBe(
      'all 0/1 files    ███░░░░░░░            25%   1.9 MB/s  ETA 1.5s',
    );
  });

  it('plain lines (logs, pipes) show each quarter with its speed, the parts in flight and the ETA', () => {
    const lines: string[] = [];
    const reporter = createPlainReporter({ out: (line) => lines.push(line), err: (line) => lines.push(line) }, 80);
    let listener: ((state: UploadProgress) => void) | undefined;
    const handle = { on: (_event: string, callback: (state: UploadProgress) => void) => (listener = callback) };
    reporter.fileStarted(file('clip.mp4', 4e6), handle as unknown as UploadHandle);
    const state = (ackedBytes: number, concurrency: number): UploadProgress => ({
      phase: 'uploading',
      hashedBytes: 4e6,
      sentBytes: ackedBytes,
      ackedBytes,
      totalBytes: 4e6,
      speed: 2e6,
      eta: (4e6 - ackedBytes) / 2e6,
      percent: ackedBytes / 4e4,
      overallPercent: ackedBytes / 4e4,
      concurrency,
    });
    for (const [acked, parts] of [
      [5e5, 4],
      [1e6, 8],
      [2.2e6, 1],
      [3.1e6, 0],
    ] as const)
      listener?.(state(acked, parts));
    expect(lines).toEqual([
      '→ clip.mp4 (3.8 MB)',
      '  clip.mp4: uploading',
      '  clip.mp4: 25% at 1.9 MB/s, 8 parts in flight, ETA 1.5s',
      '  clip.mp4: 50% at 1.9 MB/s, 1 part in flight, ETA 0.9s',
      '  clip.mp4: 75% at 1.9 MB/s, ETA 0.5s',
    ]);
  });

  it('formats sizes, rates, durations and long names', () => {
    expect([formatBytes(0), formatBytes(1536), formatBytes(5 * 1048576), formatBytes(300 * 1073741824)]).toEqual([
      '0 B',
      '1.5 KB',
      '5.0 MB',
      '300 GB',
    ]);
    expect([formatRate(0), formatRate(1048576)]).toEqual(['–', '1.0 MB/s']);
    expect([formatDuration(undefined), formatDuration(3.25), formatDuration(75), formatDuration(3720)]).toEqual([
      '–',
      '3.3s',
      '1m15s',
      '1h02m',
    ]);
    expect(fitLeft('a/very/long/name.mp4', 10)).toBe('…/name.mp4');
    // Cut by cells, whole characters only: 会 takes two cells.
    expect(fitLeft('会议录像.mp4', 7)).toBe('…像.mp4');
    expect(fitLeft('会议录像.mp4', 8)).toBe('…像.mp4 ');
    expect(fitLeft('会议.mp4', 10)).toBe('会议.mp4  ');
    expect(fitRight('会议录像.mp4', 6)).toBe('会议…');
    // Lines above the bars are broken into rows that fit, never cut.
    const rows = wrapCells(`✗ a.mp4: ${'word '.repeat(30)}end`, 40);
    for (const row of rows) expect(cellWidth(row)).toBeLessThanOrEqual(40);
    expect(rows.map((row) => row.trim()).join(' ')).toBe(`✗ a.mp4: ${'word '.repeat(30)}end`);
    expect(rows[1]).toMatch(/^ {4}word/);
    const wide = wrapCells('会'.repeat(30), 21);
    for (const row of wide) expect(cellWidth(row)).toBeLessThanOrEqual(21);
    expect(wide.join('').replace(/ /g, '')).toBe('会'.repeat(30));
    expect(isLoopback('http://127.0.0.1:8787/v2/index.php')).toBe(true);
    expect(isLoopback('https://vod2.qcloud.com/v2/index.php')).toBe(false);
  });
});

describe('outcomes and the summary', () => {
  const result: UploadResult = {
    fileId: '16092504232103571364',
    url: 'http://e/vod/16092504232103571364/f0.mp4',
    instant: false,
    kind: 'resumed',
    sha1: 'a'.repeat(40),
    size: 2097152,
    partSize: 1048576,
    partsSent: 1,
    partsSkipped: 1,
    hashedBytes: 0,
    hashEngine: 'checkpoint',
  };
  const done: FileOutcome = { file: file('a.mp4', 2097152), status: 'done', result, ms: 1000 };
  const context = { stopping: false, kept: true, endpoint: 'http://127.0.0.1:8787/v2/index.php' };
  const failed = failureOutcome(file('b.mov', 10), new VodError({ code: -10006, message: 'Body invalid', canRetry: true }), 500, context);
  const interrupted = failureOutcome(file('c.mkv', 10), new VodError({ code: 'ABORTED', message: 'aborted', canRetry: false }), 200, {
    ...context,
    stopping: true,
  });
  const instant: FileOutcome = {
    file: file('会议录像 demo.mp4', 2097152),
    status: 'done',
    result: {
      ...result,
      kind: 'instant',
      instant: true,
      fileId: '16092504232103571365',
      url: 'http://127.0.0.1:8787/vod/16092504232103571365/f0.mp4',
    },
    ms: 3,
  };

  it('JSON records keep the fileId as a string, carry the failure code and say whether a checkpoint is kept', () => {
    expect(toJsonRecord(done)).toMatchObject({
      type: 'file',
      file: 'a.mp4',
      status: 'done',
      fileId: '16092504232103571364',
      kind: 'resumed',
      hashedBytes: 0,
      mbps: 2,
      seconds: 1,
    });
    expect(toJsonRecord(failed)).toEqual({
      type: 'file',
      file: 'b.mov',
      size: 10,
      status: 'failed',
      seconds: 0.5,
      error: { code: -10006, canRetry: true, message: 'Body invalid' },
      resumable: true,
    });
    expect(toJsonRecord(instant)).not.toHaveProperty('mbps');
    expect(interrupted.status).toBe('interrupted');
  });

  it('a failure line says what the user can do, matching what was kept', () => {
    expect(failureLine(failed)).toBe('✗ b.mov: Body invalid (-10006); run again: resumes from the checkpoint');
    expect(failureLine({ ...failed, kept: false })).toBe('✗ b.mov: Body invalid (-10006); run again to retry');
    const wrongKey = failureOutcome(
      file('b.mov', 10),
      new VodError({ code: -10002, message: 'signature wrong', canRetry: false }),
      5,
      context,
    );
    expect(failureLine(wrongKey)).toBe('✗ b.mov: signature wrong (-10002)');
    expect(failureLine(interrupted)).toBe('■ c.mkv: interrupted; run again: resumes from the checkpoint');
    expect(failureLine({ ...interrupted, kept: false })).toBe('■ c.mkv: interrupted while hashing; nothing kept, run again');
    expect(failureLine(skippedOutcome(file('d.mp4', 1), 'a.mp4'))).toBe('– d.mp4: not started: a.mp4 failed the same way a moment before');
    // A long path is shortened to fit; a long message keeps 24 cells of the name and wraps.
    const deep = file(`${'deep/'.repeat(30)}x.mp4`, 10);
    const long = failureLine({ ...failed, kept: false, file: deep }, 80);
    expect(cellWidth(long)).toBe(79);
    expect(long).toMatch(/^✗ …[a-z/]*\/x\.mp4: Body invalid \(-10006\); run again to retry$/);
    expect(failureLine({ ...failed, file: deep, error: { ...failed.error!, message: 'm'.repeat(100) } }, 80)).toMatch(
      /^✗ …[a-z/]{17}\/x\.mp4: m{100}/,
    );
  });

  it('a refused connection and an unknown host name the host and the system error', () => {
    const refused = new VodError({
      code: 'NETWORK',
      action: 'InitUpload',
      message: 'InitUpload: network failure (fetch failed)',
      canRetry: true,
      cause: Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:41000'), {
          code: 'ECONNREFUSED',
          syscall: 'connect',
          address: '127.0.0.1',
          port: 41000,
        }),
      }),
    });
    expect(explainError(refused, 'http://127.0.0.1:41000/v2/index.php')).toBe(
      'InitUpload: cannot connect to 127.0.0.1:41000 (ECONNREFUSED: connection refused)',
    );
    expect(isUnreachable(refused)).toBe(true);
    const dns = new VodError({
      code: 'NETWORK',
      action: 'InitUpload',
      message: 'x',
      canRetry: true,
      cause: Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('getaddrinfo ENOTFOUND vod.invalid'), { code: 'ENOTFOUND', hostname: 'vod.invalid' }),
      }),
    });
    expect(explainError(dns, 'https://vod.invalid/v2/index.php')).toBe(
      'InitUpload: cannot connect to vod.invalid (ENOTFOUND: host not found)',
    );
    const notJson = new VodError({
      code: 'NOT_JSON',
      action: 'InitUpload',
      message: 'InitUpload: the answer is not JSON',
      canRetry: true,
      status: 404,
    });
    expect(isWrongEndpoint(notJson)).toBe(true);
    expect(isWrongEndpoint(new VodError({ code: 'NOT_JSON', message: 'x', canRetry: true, status: 502 }))).toBe(false);
    // A JSON answer cut short (chaos seed 98) is retried; an HTML page with 200 is a wrong endpoint.
    expect(isWrongEndpoint(new VodError({ code: 'NOT_JSON', message: 'x', canRetry: true, status: 200, body: '{"code":0,"mess' }))).toBe(
      false,
    );
    expect(
      isWrongEndpoint(
        new VodError({ code: 'NOT_JSON', message: 'x', canRetry: true, status: 200, body: '<!doctype html><title>app</title>' }),
      ),
    ).toBe(true);
    expect(failsEveryFile('NETWORK')).toBe(true);
    expect(failsEveryFile(-10002)).toBe(true);
    expect(failsEveryFile('SOURCE')).toBe(false);
  });

  it('a retry is one line (what failed, when the next try comes) and one JSON record', () => {
    const error = new VodError({ code: 'TIMEOUT', action: 'UploadPart', message: 'UploadPart: no answer within 2000 ms', canRetry: true });
    const notice = retryNotice(
      { what: 'UploadPart at offset 1048576', attempt: 1, delayMs: 420, error },
      3,
      'http://127.0.0.1:1/v2/index.php',
      Date.UTC(2026, 0, 1),
    );
    expect(retryLine(file('a.mp4', 1), notice)).toBe(
      '↻ a.mp4: UploadPart at offset 1048576: no answer within 2000 ms (TIMEOUT); try 2 of 3 in 0.4s',
    );
    expect(retryRecord(file('a.mp4', 1), notice)).toEqual({
      type: 'retry',
      file: 'a.mp4',
      what: 'UploadPart at offset 1048576',
      attempt: 1,
      attempts: 3,
      code: 'TIMEOUT',
      message: 'no answer within 2000 ms',
      delayMs: 420,
      nextAttemptAt: '2026-01-01T00:00:00.420Z',
    });
  });

  it('the summary fits 80 columns: URLs get their own table, a CJK name stays aligned, no speed for instant rows', () => {
    const text = renderSummary([done, instant, failed, interrupted], 1500, 80);
    const lines = text.split('\n');
    for (const line of lines) expect(cellWidth(line), line).toBeLessThan(80);
    expect(lines[0]).toMatch(/^file\s+size\s+how\s+MB\/s\s+time\s+fileId$/);
    expect(lines[2]).toMatch(/^a\.mp4\s+2\.0 MB\s+resumed\s+2\.0\s+1\.0s\s+16092504232103571364$/);
    expect(lines[3]).toMatch(/^会议录像 demo\.mp4\s+2\.0 MB\s+instant\s+–\s+0\.0s\s+16092504232103571365$/);
    expect(lines[4]).toMatch(/^b\.mov\s+10 B\s+failed\s+–/);
    // Every row's columns start at the same cell.
    const fileIdCell = (line: string): number => cellWidth(line.slice(0, line.search(/1609/)));
    expect(fileIdCell(lines[3]!)).toBe(fileIdCell(lines[2]!));
    expect(text).toContain('http://127.0.0.1:8787/vod/16092504232103571365/f0.mp4');
    expect(lines.at(-1)).toBe('2 of 4 uploaded (1 resumed, 1 instant), 1 failed, 1 interrupted, 4.0 MB in 1.5s');
    // Wide enough, the URL is a column of the table.
    expect(renderSummary([done], 1000, 160).split('\n')[0]).toMatch(/fileId\s+url$/);
  });
});

describe('usage errors', () => {
  it('are short, name the flag and suggest the one meant', () => {
    expect(() => parseUploadArgs(['x', '--concurency', '3'])).toThrow(
      /^unknown option --concurency \(did you mean --concurrency\?\)\n\(see: vod-upload --help\)$/,
    );
    expect(() => parseUploadArgs(['x', '--files'])).toThrow(/--files <value>: a value is missing/);
    expect(closestFlag('--jsno', ['json', 'quiet'])).toBe('--json');
    expect(closestFlag('--frobnicate', ['json', 'quiet'])).toBeUndefined();
  });

  it('reads the InitUpload flags, --timeout, --retries and --type', () => {
    const args = parseUploadArgs([
      'x',
      '--class-id',
      '7',
      '--tag',
      'a',
      '--tag',
      'b',
      '--transcode',
      '--watermark',
      '--timeout',
      '2.5',
      '--retries',
      '0',
      '--type',
      '.MP4',
    ]);
    expect(args).toMatchObject({
      extras: { classId: 7, tags: ['a', 'b'], isTranscode: 1, isWatermark: 1 },
      timeoutMs: 2500,
      retries: 0,
      fileType: 'MP4',
    });
    expect(args.extras).not.toHaveProperty('isScreenshot');
    expect(() => parseUploadArgs(['x', '--timeout', '0'])).toThrow(/--timeout: expected seconds/);
    expect(parseUploadArgs(['x'])).toMatchObject({ timeoutMs: 60_000, stallTimeoutMs: 30_000 });
    expect(parseUploadArgs(['x', '--stall', '4'])).toMatchObject({ stallTimeoutMs: 4000 });
    expect(() => parseUploadArgs(['x', '--stall', 'soon'])).toThrow(/--stall: expected seconds/);
    expect(() => parseUploadArgs(['x', '--retries', '21'])).toThrow(/--retries: expected a whole number from 0 to 20/);
    expect(() => parseUploadArgs(['x', '--tag', 'x'.repeat(65)])).toThrow(/--tag/);
    expect(parseUploadArgs(['--version'])).toMatchObject({ version: true });
  });
});
