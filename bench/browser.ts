/**
 * Browser hashing against the File read ceiling, per engine: a file on disk is picked in a page's
 * file input (a disk-backed File, as a user's would be); reps alternate between reading it on a
 * worker with `blob.stream()` in two ways (into one reused buffer, as the hasher reads, and as the
 * stream's own chunks) and hashing it with the browser adapter's default hasher (two piped
 * workers where the engine reports 2+ cores). The read ceiling of a rep is the faster of its two
 * reads; the figure is hash speed ÷ that ceiling: median with min–max over the reps. Each rep also
 * hashes with `threads: 1` (one worker reads, then SHA-1, then MD5), reported beside the default.
 * After the reps, one profiled pass of the one-worker loop (bench/browser/profile-worker.ts) says
 * where its time goes: waiting for reads, SHA-1, part MD5s.
 *
 *   npm run bench -- browser                     every engine found (see test/harness/engines.ts)
 *   BENCH_BROWSER_MIB=64 BENCH_REPS=5 npm run bench -- browser   (default 256 MiB, WebKit 64)
 *   BENCH_ENGINES=chromium npm run bench -- browser
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveVite } from '../test/harness/chromium.js';
import { launchEngine, type EngineBrowser } from '../test/harness/engine.js';
import { ENGINE_LABELS, engineAvailable, missingEngineMessage, type EngineName } from '../test/harness/engines.js';
import type { Timing } from './browser/main.js';
import type { ProfileSplit } from './browser/profile-worker.js';

/** The goal: the default hasher at ≥ 0.8× the read ceiling in Chromium. */
export const GOAL = 0.8;

export interface EngineFigures {
  engine: EngineName;
  label: string;
  mib: number;
  reps: number;
  /** MB/s per rep: the read ceiling (the faster way), each way of reading, the default hasher. */
  readMbps: number[];
  ownBufferMbps: number[];
  plainMbps: number[];
  hashMbps: number[];
  /** hash ÷ read ceiling per rep. */
  ratios: number[];
  /** The same with `threads: 1` (one worker reads and computes both). */
  oneWorkerMbps: number[];
  oneWorkerRatios: number[];
  /** hash ÷ the plain-chunk read per rep (how the issue first measured the ceiling). */
  plainRatios: number[];
  detail: string;
  /** One profiled pass of the one-worker loop: ms waiting for reads, in SHA-1, in part MD5s, in all. */
  profile?: ProfileSplit | undefined;
}

export interface BrowserBenchResult {
  goal: number;
  engines: EngineFigures[];
  skipped: { engine: EngineName; reason: string }[];
  /** Chromium's median ratio ≥ goal (undefined when Chromium did not run). */
  met: boolean | undefined;
  /** 1-minute load average when the run started and ended (the machine is shared). */
  loadAverage?: { start: number; end: number } | undefined;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const range = (values: number[], digits: number): string =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;

async function writeRandomFile(path: string, mib: number): Promise<void> {
  const file = await open(path, 'w');
  try {
    for (let i = 0; i < mib; i += 16) await file.write(randomBytes(Math.min(16, mib - i) * 1048576));
  } finally {
    await file.close();
  }
}

async function measure(browser: EngineBrowser, url: string, path: string, mib: number, reps: number): Promise<EngineFigures> {
  const page = await browser.open(url, { timeoutMs: 60_000 });
  try {
    await page.waitFor(() => 'vodBench' in window, 60_000);
    await page.setInputFiles('#file', [path]);
    await page.waitFor(() => (document.querySelector<HTMLInputElement>('#file')?.files?.length ?? 0) === 1, 10_000);
    // One unmeasured round: worker start, wasm compile, the OS page cache.
    await page.evaluate(() => window.vodBench.read());
    await page.evaluate(() => window.vodBench.hash());
    await page.evaluate(() => window.vodBench.hash(1));
    const figures: EngineFigures = {
      engine: browser.engine,
      label: browser.label,
      mib,
      reps,
      readMbps: [],
      ownBufferMbps: [],
      plainMbps: [],
      hashMbps: [],
      ratios: [],
      plainRatios: [],
      oneWorkerMbps: [],
      oneWorkerRatios: [],
      detail: '',
    };
    const mbps = (t: Timing): number => t.bytes / 1e6 / (t.ms / 1000);
    const kinds = ['own', 'hash', 'plain', 'hash1'] as const;
    for (let rep = 0; rep < reps; rep++) {
      // Rotate the order so no kind always runs first (or on the warmest cache).
      const times: Partial<Record<(typeof kinds)[number], Timing>> = {};
      for (let k = 0; k < kinds.length; k++) {
        const kind = kinds[(rep + k) % kinds.length]!;
        times[kind] = await page.evaluate(
          (which) =>
            which === 'hash' ? window.vodBench.hash() : which === 'hash1' ? window.vodBench.hash(1) : window.vodBench.read(which),
          kind,
        );
      }
      const { own, hash, plain, hash1 } = times as Record<(typeof kinds)[number], Timing>;
      if (own.bytes !== mib * 1048576 || plain.bytes !== own.bytes || hash.bytes !== own.bytes || hash1.bytes !== own.bytes)
        throw new Error(`read ${own.bytes} and ${plain.bytes}, hashed ${hash.bytes} bytes of ${mib} MiB`);
      const ceilingMs = Math.min(own.ms, plain.ms);
      figures.readMbps.push(own.bytes / 1e6 / (ceilingMs / 1000));
      figures.ownBufferMbps.push(mbps(own));
      figures.plainMbps.push(mbps(plain));
      figures.hashMbps.push(mbps(hash));
      figures.ratios.push(ceilingMs / hash.ms);
      figures.plainRatios.push(plain.ms / hash.ms);
      figures.oneWorkerMbps.push(mbps(hash1));
      figures.oneWorkerRatios.push(ceilingMs / hash1.ms);
      figures.detail = hash.detail ?? '';
    }
    // A profile that fails (an engine's stream the profiler cannot read) costs the row nothing.
    figures.profile = await page.evaluate(() => window.vodBench.profile(2 * 1048576)).catch(() => undefined);
    return figures;
  } finally {
    await page.close();
  }
}

const RESULTS = join(import.meta.dirname, 'results.json');

/**
 * Writes this bench's section (`browserHashing`) into bench/results.json, keeping every other
 * bench's sections as they are (no shared writer exists yet; this one only merges its own key).
 */
async function recordResult(result: BrowserBenchResult): Promise<void> {
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(await readFile(RESULTS, 'utf8')) as Record<string, unknown>;
  } catch {
    // first run, or an unreadable file: start over
  }
  const summary = (figures: EngineFigures) => ({
    engine: figures.label,
    hasher: figures.detail,
    mib: figures.mib,
    reps: figures.reps,
    readMBps: { median: median(figures.readMbps), min: Math.min(...figures.readMbps), max: Math.max(...figures.readMbps) },
    hashMBps: { median: median(figures.hashMbps), min: Math.min(...figures.hashMbps), max: Math.max(...figures.hashMbps) },
    ratio: { median: median(figures.ratios), min: Math.min(...figures.ratios), max: Math.max(...figures.ratios) },
    ownBufferReadMBps: {
      median: median(figures.ownBufferMbps),
      min: Math.min(...figures.ownBufferMbps),
      max: Math.max(...figures.ownBufferMbps),
    },
    plainReadMBps: { median: median(figures.plainMbps), min: Math.min(...figures.plainMbps), max: Math.max(...figures.plainMbps) },
    plainRatio: { median: median(figures.plainRatios), min: Math.min(...figures.plainRatios), max: Math.max(...figures.plainRatios) },
    oneWorker: {
      hashMBps: { median: median(figures.oneWorkerMbps), min: Math.min(...figures.oneWorkerMbps), max: Math.max(...figures.oneWorkerMbps) },
      ratio: {
        median: median(figures.oneWorkerRatios),
        min: Math.min(...figures.oneWorkerRatios),
        max: Math.max(...figures.oneWorkerRatios),
      },
    },
    oneWorkerProfileMs: figures.profile,
  });
  all.browserHashing = {
    measured: new Date().toISOString(),
    what: 'default browser hasher speed ÷ read ceiling of the same disk-backed File (the faster of two blob.stream() reads: into one reused buffer, and chunk by chunk), per rep',
    goal: `Chromium median ≥ ${result.goal}`,
    met: result.met ?? null,
    loadAverage: result.loadAverage,
    engines: result.engines.map(summary),
    skipped: result.skipped,
  };
  await writeFile(RESULTS, `${JSON.stringify(all, null, 2)}\n`);
}

/** Runs the browser table; prints it, writes bench/results.json and returns the figures. */
export async function main(): Promise<BrowserBenchResult> {
  // WebKitGTK hashes at a few MB/s: it gets a smaller file unless a size is given.
  const given = process.env.BENCH_BROWSER_MIB;
  const sizeFor = (engine: EngineName): number => Number(given ?? (engine === 'webkit' ? 64 : 256));
  const reps = Math.max(3, Number(process.env.BENCH_REPS ?? 3));
  const wanted = (process.env.BENCH_ENGINES ?? 'chromium,firefox,webkit').split(',').map((name) => name.trim()) as EngineName[];
  const dir = await mkdtemp(join(tmpdir(), 'vod-bench-browser-'));
  const paths = new Map<number, string>();
  const site = await serveVite({ root: 'bench/browser' });
  const result: BrowserBenchResult = { goal: GOAL, engines: [], skipped: [], met: undefined };
  const loadAtStart = loadavg()[0]!;
  try {
    for (const engine of wanted) {
      const mib = sizeFor(engine);
      if (!(await engineAvailable(engine))) {
        result.skipped.push({ engine, reason: missingEngineMessage(engine) });
        continue;
      }
      if (!paths.has(mib)) {
        paths.set(mib, join(dir, `clip-${mib}.mp4`));
        await writeRandomFile(paths.get(mib)!, mib);
      }
      const browser = await launchEngine(engine);
      try {
        result.engines.push(await measure(browser, site.url('/'), paths.get(mib)!, mib, reps));
      } catch (error) {
        result.skipped.push({ engine, reason: `failed: ${error instanceof Error ? error.message : String(error)}` });
      } finally {
        await browser.close();
      }
    }
  } finally {
    await site.close();
    await rm(dir, { recursive: true, force: true });
  }
  const chromium = result.engines.find((figures) => figures.engine === 'chromium');
  result.met = chromium ? median(chromium.ratios) >= GOAL : undefined;
  result.loadAverage = { start: loadAtStart, end: loadavg()[0]! };

  console.log(`A random file on disk picked in a file input; ${reps} interleaved reps per engine (shared, noisy machine).`);
  console.log(`Goal: default hasher ≥ ${GOAL}× the blob.stream() read ceiling in Chromium.\n`);
  console.log(
    '| engine (MiB) | read: own buffer MB/s | read: plain chunks MB/s | default hasher MB/s | default hasher ÷ read ceiling | ÷ plain-chunk read | threads 1 MB/s | threads 1 ÷ read ceiling |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const f of result.engines) {
    console.log(
      `| ${f.label}, ${f.detail} (${f.mib}) | ${range(f.ownBufferMbps, 0)} | ${range(f.plainMbps, 0)} | ${range(f.hashMbps, 0)} | **${range(f.ratios, 2)}** | ${range(f.plainRatios, 2)} | ${range(f.oneWorkerMbps, 0)} | ${range(f.oneWorkerRatios, 2)} |`,
    );
  }
  console.log("\nWhere one worker's time goes (one profiled pass, ms: waiting for reads / SHA-1 / part MD5s / total):");
  for (const f of result.engines) {
    const p = f.profile;
    if (p)
      console.log(
        `  ${f.label}: ${Math.round(p.readMs)} / ${Math.round(p.sha1Ms)} / ${Math.round(p.md5Ms)} / ${Math.round(p.totalMs)} (${p.reads} reads)`,
      );
  }
  for (const s of result.skipped) console.log(`| ${ENGINE_LABELS[s.engine]} | skipped: ${s.reason} | | | | | | |`);
  console.log(
    `\n(read ceiling of a rep: the faster of its two reads; load average ${result.loadAverage.start.toFixed(1)} at the start, ${result.loadAverage.end.toFixed(1)} at the end)`,
  );
  console.log(`\nChromium goal met: ${result.met === undefined ? 'not measured' : result.met ? 'yes' : 'no'}`);
  await recordResult(result);
  return result;
}
