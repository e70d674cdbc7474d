/**
 * Runs test/runtimes/<runtime>/run.mjs in the real runtime as a child process against an
 * emulator, bounded in time, and returns the report it printed (see scenario.mjs).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

export type ServerRuntime = 'node' | 'deno' | 'bun';

export interface ScenarioReport {
  runtime: ServerRuntime;
  version: string;
  ok: boolean;
  error?: string;
  stack?: string;
  steps: { step: string; ms: number }[];
  /** `progressWhileBlocked`: bytes the hasher reported as done while the main thread was blocked for 3 s. */
  hasher: { runner: string; engine: string; progressWhileBlocked: number };
  newUpload: { kind: string; partsSent: number; hashEngine: string; fileId: string; emulatorParts: number };
  instantUpload: { kind: string; emulatorParts: number };
  resume: { partsBeforeAbort: number; partsResent: number; totalParts: number; hashedBytes: number };
}

/** Deno's permissions for the scenario: the ones docs/runtimes-server.md documents. */
export const DENO_PERMISSIONS = ['--allow-net=127.0.0.1', '--allow-read', '--allow-write', '--allow-env'];

/** The runtime's executable and arguments to run a script (`denoPermissions` replaces the documented ones). */
export function command(runtime: ServerRuntime, denoPermissions: string[] = DENO_PERMISSIONS): { file: string; args: string[] } {
  if (runtime === 'node') return { file: process.execPath, args: [] };
  const file = resolve(REPO_ROOT, 'node_modules/.bin', runtime);
  if (!existsSync(file)) {
    throw new Error(
      `${file} is missing: ${runtime} comes from the "${runtime}" devDependency; run \`npm ci\` (or \`npm install\`) to install it`,
    );
  }
  if (runtime === 'deno') return { file, args: ['run', '--no-lock', '--no-prompt', ...denoPermissions] };
  return { file, args: [] };
}

/** "Deno 2.9.6", asked of the binary itself (for the test names). */
export function runtimeVersion(runtime: ServerRuntime): string {
  if (runtime === 'node') return `Node ${process.versions.node}`;
  try {
    const { file } = command(runtime);
    const out = execFileSync(file, ['--version'], { encoding: 'utf8', timeout: 20_000 });
    const version = /(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? out.trim();
    return `${runtime === 'deno' ? 'Deno' : 'Bun'} ${version}`;
  } catch (error) {
    return `${runtime} (unavailable: ${(error as Error).message.split('\n')[0]})`;
  }
}

export interface ChildOptions {
  timeoutMs: number;
  /** Deno only: replaces the documented permissions. */
  denoPermissions?: string[] | undefined;
  /** Written to the child's stdin (then closed). */
  input?: string | undefined;
  /** Extra environment variables. */
  env?: Record<string, string> | undefined;
}

/** How long a child may take to exit once it printed its `RESULT` line. */
const EXIT_AFTER_RESULT_MS = 15_000;

/**
 * Spawns `script` (a path, or e.g. `-` for stdin) with `args`; kills it after `timeoutMs`, or
 * {@link EXIT_AFTER_RESULT_MS} after it printed `RESULT` (a runtime that reports and then hangs has
 * `timedOut` set, like one that never reports).
 */
export function runChild(
  runtime: ServerRuntime,
  script: string,
  args: string[],
  options: ChildOptions,
): Promise<{ stdout: string; stderr: string; code: number | null; timedOut: boolean }> {
  const { file, args: base } = command(runtime, options.denoPermissions);
  const target = script.startsWith('-') ? [script] : [resolve(REPO_ROOT, script)];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, [...base, ...target, ...args], {
      cwd: REPO_ROOT,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let exitTimer: ReturnType<typeof setTimeout> | undefined;
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (exitTimer === undefined && /(^|\n)RESULT /.test(stdout)) {
        exitTimer = setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, EXIT_AFTER_RESULT_MS);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    if (options.input !== undefined) child.stdin?.end(options.input);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      clearTimeout(exitTimer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      clearTimeout(exitTimer);
      resolvePromise({ stdout, stderr, code, timedOut });
    });
  });
}

/** Runs the scenario in `runtime` against the emulator at `origin`; throws with the child's output when it printed no report. */
export async function runScenarioIn(
  runtime: ServerRuntime,
  origin: string,
  credentials: { secretId: string; secretKey: string },
  timeoutMs = 90_000,
): Promise<ScenarioReport> {
  const entry = resolve(REPO_ROOT, `dist/${runtime}.js`);
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build the package first (\`npm run build\`; \`npm test\` does it)`);
  const config = JSON.stringify({ origin, ...credentials });
  const result = await runChild(runtime, `test/runtimes/${runtime}/run.mjs`, [config], { timeoutMs });
  const line = result.stdout.split('\n').find((text) => text.startsWith('RESULT '));
  if (!line) {
    const why = result.timedOut ? `timed out after ${timeoutMs} ms` : `exited with ${result.code}`;
    throw new Error(
      `${runtime} printed no report (${why}).\nstdout:\n${result.stdout.slice(-2000)}\nstderr:\n${result.stderr.slice(-4000)}`,
    );
  }
  const report = JSON.parse(line.slice('RESULT '.length)) as ScenarioReport;
  if (!report.ok) throw new Error(`${report.version}: ${report.error}\n${report.stack ?? ''}\nstderr:\n${result.stderr.slice(-2000)}`);
  // A report is not enough: the runtime must also end, cleanly (a hasher worker left running, an
  // unhandled rejection after the report, would otherwise pass).
  if (result.timedOut || result.code !== 0) {
    const why = result.timedOut
      ? `did not exit within ${EXIT_AFTER_RESULT_MS} ms of its report`
      : `exited with ${result.code} after its report`;
    throw new Error(`${runtime} ${why}.\nstderr:\n${result.stderr.slice(-2000)}`);
  }
  return report;
}

/** The JSON of the `RESULT ` line a probe script printed, or an error showing its output. */
export async function runProbe(runtime: ServerRuntime, script: string, denoPermissions?: string[]): Promise<unknown> {
  const result = await runChild(runtime, script, [], { timeoutMs: 20_000, denoPermissions });
  const line = result.stdout.split('\n').find((text) => text.startsWith('RESULT '));
  if (!line || result.timedOut || result.code !== 0) {
    throw new Error(
      `${script} in ${runtime}: ${line ? 'a result, but' : 'no result,'} exit ${result.code}${result.timedOut ? ', timed out' : ''}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return JSON.parse(line.slice('RESULT '.length)) as unknown;
}
