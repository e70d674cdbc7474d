/**
 * The layer rule (biome.json): folders import downward only, protocol < util < client, hasher <
 * core < signing < proxy < adapters < cli, and the emulator uses protocol and util only. Probe files
 * with one import each are linted with the repository's own configuration, so the check is shown
 * to refuse a wrong import and to pass a right one, and the tree itself is shown to pass.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const biome = join(root, 'node_modules', '.bin', 'biome');

/** Runs biome lint in `cwd`; returns the paths it reported and its exit code. */
async function lint(cwd: string, extra: string[] = []): Promise<{ flagged: string[]; code: number }> {
  const result = await run(biome, ['lint', '--max-diagnostics=200', ...extra], { cwd, timeout: 60_000 }).then(
    (ok) => ({ ...ok, code: 0 }),
    (error: { stdout: string; stderr: string; code: number }) => error,
  );
  const output = `${result.stdout}\n${result.stderr}`;
  const flagged = [...output.matchAll(/^(src\/\S+?):\d+:\d+ lint\/style\/noRestrictedImports/gm)].map((m) => m[1]!);
  return { flagged, code: result.code };
}

const probes: { file: string; imports: string; allowed: boolean }[] = [
  { file: 'src/client/a.ts', imports: '../core/upload.js', allowed: false },
  { file: 'src/client/b.ts', imports: '../util/retry.js', allowed: true },
  { file: 'src/protocol/a.ts', imports: '../util/retry.js', allowed: false },
  { file: 'src/util/a.ts', imports: '../core/queue.js', allowed: false },
  { file: 'src/util/b.ts', imports: '../protocol/index.js', allowed: true },
  { file: 'src/emulator/a.ts', imports: '../client/client.js', allowed: false },
  { file: 'src/emulator/b.ts', imports: '../util/retry.js', allowed: true },
  { file: 'src/core/a.ts', imports: '../api.js', allowed: false },
  { file: 'src/core/b.ts', imports: '../hasher/index.js', allowed: true },
  { file: 'src/hasher/engines/a.ts', imports: '../../core/upload.js', allowed: false },
  { file: 'src/hasher/engines/b.ts', imports: '../types.js', allowed: true },
  { file: 'src/adapters/node/a.ts', imports: '../../cli/main.js', allowed: false },
  { file: 'src/cli/a.ts', imports: '../emulator/index.js', allowed: true },
];

describe('import layers', () => {
  it('refuses each upward import and passes each downward one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vod-layers-'));
    try {
      const config = JSON.parse(await readFile(join(root, 'biome.json'), 'utf8')) as Record<string, unknown>;
      delete config.$schema;
      await writeFile(join(dir, 'biome.json'), JSON.stringify(config));
      for (const probe of probes) {
        await mkdir(join(dir, dirname(probe.file)), { recursive: true });
        await writeFile(join(dir, probe.file), `import { x } from '${probe.imports}';\nexport const y = x;\n`);
      }
      const { flagged, code } = await lint(dir, ['--vcs-enabled=false']);
      expect(code).not.toBe(0);
      expect(flagged.sort()).toEqual(
        probes
          .filter((p) => !p.allowed)
          .map((p) => p.file)
          .sort(),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the source tree follows the layers', async () => {
    const { flagged, code } = await lint(root);
    expect(flagged).toEqual([]);
    expect(code).toBe(0);
  });
});
