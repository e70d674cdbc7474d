/**
 * Seeded chaos runs: each seed uploads its own file (see bytes.ts) through one of the library, the
 * CLI or a browser, to its own emulator faulting about 20 % of requests by that seed, then fetches
 * what the emulator serves and compares it byte for byte. Used by `npm run chaos` (100 seeds) and
 * test/chaos.test.ts (20 seeds).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_CREDENTIALS, startEmulator } from '../../src/emulator/index.js';
import { startBrowserHarness, type BrowserHarness } from '../harness/chromium.js';
import { buildCliSandbox, cliSandbox } from '../helpers/cli-sandbox.js';
import { runShape, seededBytes } from './bytes.js';
import { runBrowser, runCli, runLibrary, type RunnerInput, type RunnerName, type RunnerOutcome } from './runners.js';

export type RunStatus = 'verified' | 'corrupt' | 'failed' | 'hung';

export interface RunReport {
  seed: number;
  runner: RunnerName;
  status: RunStatus;
  /** The uploader reported success (verified or corrupt). */
  completed: boolean;
  /** Protocol requests beyond the minimum (Init + one per part + Finish): the retries the faults caused. */
  retries: number;
  /** Protocol requests the emulator answered (or cut). */
  requests: number;
  /** Injected faults by kind. */
  faults: Record<string, number>;
  ms: number;
  detail?: string;
}

/** 4 % early answers (the fault that used to hang file uploads), 16 % spread over the other kinds. */
export function faultSpec(seed: number, runner: RunnerName): string {
  // The library and the browser time requests out after 4 s, before a stall ends (the timeout
  // path); the CLI keeps its 60 s timeout, so its stalls end in a reset.
  const stallMs = runner === 'cli' ? 1500 : 5000;
  return `seed=${seed},early=0.04,all=0.16,stall-ms=${stallMs},latency-ms=30`;
}

/** Seeds 0-6 of every ten use the library, 7-8 the CLI, 9 the browser. */
export function runnerFor(seed: number): RunnerName {
  const slot = seed % 10;
  return slot <= 6 ? 'library' : slot <= 8 ? 'cli' : 'browser';
}

/**
 * Generous: on the shared 2-core machine (load average ~20) a fault-free CLI run takes 35 s. A
 * run that reaches its bound is stuck, not slow.
 */
const BOUND_MS: Record<RunnerName, number> = { library: 90_000, cli: 120_000, browser: 90_000 };
/** Short enough that a stall times out, long enough that a starved emulator still answers. */
const REQUEST_TIMEOUT_MS = 4000;
const PART_SIZE = 524288;

interface Tools {
  bin?: string;
  web?: BrowserHarness;
}

async function runOne(seed: number, tools: Tools, boundScale: number): Promise<RunReport> {
  const runner = runnerFor(seed);
  const started = performance.now();
  const dir = await mkdtemp(join(tmpdir(), `vod-chaos-${seed}-`));
  const emulator = await startEmulator({ port: 0, faults: faultSpec(seed, runner) });
  try {
    const input: RunnerInput = {
      seed,
      dir,
      endpoint: emulator.endpoint,
      ...DEV_CREDENTIALS,
      boundMs: BOUND_MS[runner] * boundScale,
      timeoutMs: REQUEST_TIMEOUT_MS,
    };
    let outcome: RunnerOutcome;
    if (runner === 'library') outcome = await runLibrary(input);
    else if (runner === 'cli') outcome = await runCli(input, tools.bin!);
    else outcome = await runBrowser(input, tools.web!);
    const shape = runShape(seed);
    const faults: Record<string, number> = {};
    for (const entry of emulator.emulator.log.entries()) if (entry.fault) faults[entry.fault] = (faults[entry.fault] ?? 0) + 1;
    const retries = Math.max(0, emulator.emulator.log.count() - (Math.ceil(shape.size / PART_SIZE) + 2));
    const base = { seed, runner, retries, requests: emulator.emulator.log.count(), faults, ms: Math.round(performance.now() - started) };
    if (outcome.kind === 'hung') {
      const last = emulator.emulator.log.entries().at(-1);
      const quiet = last ? `last request ${Math.round((Date.now() - last.time) / 1000)} s before the bound` : 'no request at all';
      const detail = `no end within ${input.boundMs} ms; ${emulator.emulator.log.requestsInFlight} request(s) in flight at the emulator, ${quiet}`;
      return { ...base, status: 'hung', completed: false, detail };
    }
    if (outcome.kind === 'failed') return { ...base, status: 'failed', completed: false, detail: outcome.error };
    const detail = await compareServed(outcome.url, seededBytes(seed, shape.size));
    return { ...base, status: detail ? 'corrupt' : 'verified', completed: true, ...(detail ? { detail } : {}) };
  } finally {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Undefined when the url serves exactly `expected`; else what differs. */
async function compareServed(url: string, expected: Uint8Array): Promise<string | undefined> {
  const response = await fetch(url);
  if (response.status !== 200) return `GET ${url} → ${response.status}`;
  const served = new Uint8Array(await response.arrayBuffer());
  if (served.length !== expected.length) return `served ${served.length} bytes, expected ${expected.length}`;
  const first = served.findIndex((byte, index) => byte !== expected[index]);
  return first === -1 ? undefined : `served bytes differ from offset ${first}`;
}

export interface ChaosOptions {
  seeds: readonly number[];
  /** Runs at once. Default 4. */
  parallel?: number;
  /** Multiplies every run's time bound (tests may shorten them). Default 1. */
  boundScale?: number;
  /** Told about each run as it ends. */
  onRun?: (report: RunReport) => void;
}

/** Runs the seeds (a pool of `parallel` at a time) and reports each. */
export async function runChaos(options: ChaosOptions): Promise<RunReport[]> {
  const runners = new Set(options.seeds.map(runnerFor));
  const tools: Tools = {};
  const sandbox = 'vod-upload-chaos';
  try {
    if (runners.has('cli')) {
      await buildCliSandbox(sandbox);
      tools.bin = cliSandbox(sandbox).bin;
    }
    if (runners.has('browser')) tools.web = await startBrowserHarness({ root: 'test/chaos/browser' });
    const queue = [...options.seeds];
    const reports: RunReport[] = [];
    const worker = async (): Promise<void> => {
      for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) {
        const report = await runOne(seed, tools, options.boundScale ?? 1);
        reports.push(report);
        options.onRun?.(report);
      }
    };
    await Promise.all(Array.from({ length: options.parallel ?? 4 }, worker));
    return reports.sort((a, b) => a.seed - b.seed);
  } finally {
    await tools.web?.close();
    if (tools.bin) await rm(cliSandbox(sandbox).sandbox, { recursive: true, force: true });
  }
}

/** Totals of a set of runs, as `npm run chaos` prints them. */
export function summarize(reports: readonly RunReport[]): string[] {
  const count = (status: RunStatus): number => reports.filter((report) => report.status === status).length;
  const faults: Record<string, number> = {};
  for (const report of reports) for (const [kind, n] of Object.entries(report.faults)) faults[kind] = (faults[kind] ?? 0) + n;
  const byRunner = (['library', 'cli', 'browser'] as const).map(
    (runner) => `${runner} ${reports.filter((report) => report.runner === runner).length}`,
  );
  const ms = reports.map((report) => report.ms).sort((a, b) => a - b);
  const requests = reports.reduce((sum, report) => sum + report.requests, 0);
  const faulted = Object.values(faults).reduce((sum, n) => sum + n, 0);
  return [
    `runs: ${reports.length} (${byRunner.join(', ')})`,
    `completed: ${reports.filter((report) => report.completed).length}/${reports.length}`,
    `verified byte-exact: ${count('verified')}/${reports.length}`,
    `retries: ${reports.reduce((sum, report) => sum + report.retries, 0)}`,
    `hung: ${count('hung')}`,
    `corrupt: ${count('corrupt')}`,
    `failed: ${count('failed')}`,
    `requests: ${requests}, faulted: ${faulted} (${((100 * faulted) / Math.max(1, requests)).toFixed(1)} %)`,
    `faults injected: ${Object.entries(faults)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ')}`,
    `run time: median ${ms[Math.floor(ms.length / 2)] ?? 0} ms, max ${ms.at(-1) ?? 0} ms`,
  ];
}

/** One line per run. */
export function runLine(report: RunReport): string {
  const faults =
    Object.entries(report.faults)
      .map(([kind, n]) => `${kind}×${n}`)
      .join(' ') || 'none';
  return `seed ${String(report.seed).padStart(3)} ${report.runner.padEnd(7)} ${report.status.padEnd(8)} retries ${String(report.retries).padStart(2)} ${String(report.ms).padStart(6)} ms  faults: ${faults}${report.detail ? `  (${report.detail})` : ''}`;
}
