/**
 * The three ways a chaos run uploads its file: the Node library (a file-backed source from
 * `openFile`), the CLI in a child process, and the browser adapter in headless Chromium. Each is
 * bounded in time: a run that reaches its bound is reported as hung, never waited on further.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDirectoryCheckpointStore, openFile, upload } from '../../src/adapters/node/index.js';
import type { BrowserHarness } from '../harness/chromium.js';
import type { BrowserRunInput, BrowserRunReport } from './browser/main.js';
import { runShape, seededBytes } from './bytes.js';

export type RunnerName = 'library' | 'cli' | 'browser';

/** What the uploader said: a url to check, an error, or nothing within the bound. */
export type RunnerOutcome =
  | { kind: 'done'; url: string; sha1: string; clientRetries?: number }
  | { kind: 'failed'; error: string; clientRetries?: number }
  | { kind: 'hung' };

export interface RunnerInput {
  seed: number;
  endpoint: string;
  secretId: string;
  secretKey: string;
  /** A fresh directory for this run's file and checkpoints. */
  dir: string;
  /** The run's time bound. */
  boundMs: number;
  /** Per-request timeout given to the library and the browser. */
  timeoutMs: number;
}

/** Resolves with the promise's value, or `undefined` once `ms` have passed. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise.then((value) => ({ value })), bound]);
  } finally {
    clearTimeout(timer);
  }
}

const describeError = (error: unknown): string => {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return `${String(code ?? 'ERROR')}: ${String(message ?? error)}`.slice(0, 300);
};

/** Writes the seed's file into the run's directory and returns its path. */
export async function writeRunFile(input: RunnerInput): Promise<string> {
  const path = join(input.dir, `chaos-${input.seed}.mp4`);
  await writeFile(path, seededBytes(input.seed, runShape(input.seed).size));
  return path;
}

export async function runLibrary(input: RunnerInput): Promise<RunnerOutcome> {
  const path = await writeRunFile(input);
  const handle = upload(await openFile(path), {
    endpoint: input.endpoint,
    secretId: input.secretId,
    secretKey: input.secretKey,
    partSize: 524288,
    concurrency: runShape(input.seed).concurrency,
    timeoutMs: input.timeoutMs,
    retry: { retries: 8, baseDelayMs: 50, rateLimitDelayMs: 250 },
    checkpoints: createDirectoryCheckpointStore(join(input.dir, 'checkpoints')),
  });
  let clientRetries = 0;
  handle.on('retry', () => (clientRetries += 1));
  const settled = await within(
    handle.done.then(
      (result) => ({ kind: 'done' as const, url: result.url, sha1: result.sha1, clientRetries }),
      (error: unknown) => ({ kind: 'failed' as const, error: describeError(error), clientRetries }),
    ),
    input.boundMs,
  );
  if (settled) return settled.value;
  handle.abort();
  return { kind: 'hung' };
}

/** Runs the CLI's bin script `bin` (built from the sources) on the run's file. */
export async function runCli(input: RunnerInput, bin: string): Promise<RunnerOutcome> {
  const path = await writeRunFile(input);
  const args = [bin, path, '--endpoint', input.endpoint, '--json', '--part-size', '512k'];
  args.push('--concurrency', String(runShape(input.seed).concurrency), '--checkpoint-dir', join(input.dir, 'checkpoints'));
  const child = spawn(process.execPath, args, {
    cwd: input.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: input.dir, VOD_SECRET_ID: input.secretId, VOD_SECRET_KEY: input.secretKey },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-2000)));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const settled = await within(exited, input.boundMs);
  if (!settled) {
    child.kill('SIGKILL');
    await exited;
    return { kind: 'hung' };
  }
  // --json also writes a `type: "retry"` record per retry; the file's record is the `type: "file"` one.
  const record = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((entry) => entry.type === 'file');
  if (settled.value === 0 && record?.status === 'done' && typeof record.url === 'string') {
    return { kind: 'done', url: record.url, sha1: String(record.sha1) };
  }
  const error = record?.error as { code?: unknown; message?: unknown } | undefined;
  return { kind: 'failed', error: `exit ${settled.value}: ${error ? describeError(error) : stderr.trim().slice(-300) || 'no output'}` };
}

/** Uploads the seed's bytes from a fresh page (so a fresh IndexedDB) of the chaos site. */
export async function runBrowser(input: RunnerInput, web: BrowserHarness): Promise<RunnerOutcome> {
  const page = await web.open('/', { timeoutMs: 30_000 });
  try {
    await page.page.waitForFunction(() => 'vodChaos' in window, null, { timeout: 30_000 });
    const run: BrowserRunInput = {
      endpoint: input.endpoint,
      secretId: input.secretId,
      secretKey: input.secretKey,
      seed: input.seed,
      timeoutMs: input.timeoutMs,
    };
    const evaluated = page
      .evaluate((value) => window.vodChaos.upload(value), run)
      .catch((error: unknown): BrowserRunReport => ({ error: { code: 'PAGE', message: String(error) }, retries: 0 }));
    const settled = await within(evaluated, input.boundMs);
    if (!settled) return { kind: 'hung' };
    const { result, error, retries } = settled.value;
    if (result) return { kind: 'done', url: result.url, sha1: result.sha1, clientRetries: retries };
    return { kind: 'failed', error: describeError(error), clientRetries: retries };
  } finally {
    await page.close().catch(() => undefined);
  }
}
