/**
 * The package as npm would publish it: publint finds nothing to report, and
 * @arethetypeswrong/cli (profile esm-only: the package is ESM only, so node10 and require() from
 * CommonJS are out of scope) finds every entry's types under node16 and bundler resolution. Both
 * run offline on the packed tarball (`npm pack --ignore-scripts`: the build is already done).
 * Also: the tarball holds the LICENSE and the docs the README links to, and from the unpacked
 * tarball Node, Deno and Bun hash on the build's worker scripts. Needs the build.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, type ServerRuntime } from './runtimes/server-runtime-child.js';
import { REPO_ROOT } from './bundle-apps.js';

const run = promisify(execFile);
let dir: string;
let tarball: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vod-pack-'));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
    cwd: REPO_ROOT,
    timeout: 60_000,
  });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(dir, packed!.filename);
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('publishing', () => {
  it('publint reports nothing', async () => {
    // publint packs the directory itself (npm pack --dry-run, scripts ignored).
    const { messages } = await publint({ pkgDir: REPO_ROOT, pack: 'npm', level: 'suggestion' });
    expect(messages.map((message) => `${message.type} ${message.code} ${message.path.join('.')}`)).toEqual([]);
  }, 60_000);

  it('attw --profile esm-only finds no problem', async () => {
    const cli = join(REPO_ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
    const result = await run(process.execPath, [cli, tarball, '--profile', 'esm-only', '--format', 'json'], { timeout: 90_000 }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code?: number; stdout?: string }) => ({ code: error.code, stdout: error.stdout ?? '' }),
    );
    const report = JSON.parse(result.stdout) as { analysis: { problems: { kind: string; entrypoint: string; resolutionKind: string }[] } };
    const problems = report.analysis.problems.filter(
      (problem) => problem.resolutionKind !== 'node10' && problem.resolutionKind !== 'node16-cjs',
    );
    expect(problems).toEqual([]);
    expect(result.code).toBe(0);
  }, 120_000);

  it('ships the LICENSE and every doc the README links to', async () => {
    const { stdout } = await run('tar', ['tzf', tarball]);
    const files = stdout.split('\n').map((line) => line.replace(/^package\//, ''));
    expect(files).toContain('LICENSE');
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\((docs\/[^)#]+)/g)].map((match) => match[1]!);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(files, link).toContain(link);
  });

  it('hashes on a worker thread pair from the unpacked tarball in Node, Deno and Bun', async () => {
    // The server hash workers are scripts the build emits beside the spawners' chunks
    // (dist/<runtime>-hash-worker.js): one missing from the tarball would make the job run inline.
    await run('tar', ['xzf', tarball, '-C', dir]);
    const pkg = join(dir, 'package');
    await symlink(join(REPO_ROOT, 'node_modules'), join(pkg, 'node_modules'));
    await copyFile(join(REPO_ROOT, 'test/runtimes/pack-probe.mjs'), join(pkg, 'pack-probe.mjs'));
    const results = [];
    for (const runtime of ['node', 'deno', 'bun'] as ServerRuntime[]) {
      const { file, args } = command(runtime);
      const { stdout } = await run(file, [...args, 'pack-probe.mjs'], { cwd: pkg, timeout: 60_000 });
      results.push(JSON.parse(/^RESULT (.*)$/m.exec(stdout)?.[1] ?? 'null'));
    }
    expect(results).toEqual([
      { runtime: 'node', runner: 'worker', threads: 2, engine: 'node', ok: true },
      { runtime: 'deno', runner: 'worker', threads: 2, engine: 'node', ok: true },
      { runtime: 'bun', runner: 'worker', threads: 2, engine: 'bun', ok: true },
    ]);
  }, 120_000);
});
