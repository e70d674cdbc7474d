// The scenario in Bun, through the package's own name: `vod-upload` resolves (by its "bun"
// export condition) to dist/bun.js. Files are written with Bun.write and read as Bun.file().
// Usage: bun run.mjs '{"origin":…,"secretId":…,"secretKey":…}'
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as api from 'vod-upload';
import { printFailure, printResult, runScenario } from '../scenario.mjs';

const config = JSON.parse(Bun.argv[2]);
const version = `Bun ${Bun.version}`;
const dir = await mkdtemp(join(tmpdir(), 'vod-upload-bun-'));
try {
  if (typeof api.createBunHasher !== 'function') throw new Error('"vod-upload" did not resolve to the Bun adapter');
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
