// The scenario in Bun, through the package's own names: `vod-upload/bun` (the runtime's helpers)
// and `vod-upload`, which must resolve (by its "bun" export condition) to the same upload.
// Files are written with Bun.write and read as Bun.file().
// Usage: bun run.mjs '{"origin":…,"secretId":…,"secretKey":…}'
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as root from 'vod-upload';
import * as api from 'vod-upload/bun';
import { printFailure, printResult, runScenario } from '../scenario.mjs';

const config = JSON.parse(Bun.argv[2]);
const version = `Bun ${Bun.version}`;
const dir = await mkdtemp(join(tmpdir(), 'vod-upload-bun-'));
try {
  if (typeof api.createBunHasher !== 'function') throw new Error('"vod-upload/bun" is not the Bun adapter');
  if (root.upload !== api.upload) throw new Error('"vod-upload" did not resolve to the Bun entry');
  const report = await runScenario({
    runtime: 'bun',
    version,
    api,
    origin: config.origin,
    credentials: { secretId: config.secretId, secretKey: config.secretKey },
    tempDir: join(dir, 'checkpoints'),
    createHasher: () => api.createBunHasher(),
    writeFile: async (name, bytes) => {
      const path = join(dir, name);
      await Bun.write(path, bytes);
      return path;
    },
  });
  printResult(report);
} catch (error) {
  printFailure('bun', version, error);
  process.exitCode = 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
