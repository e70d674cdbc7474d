// The scenario in Node, through the package's own names: `vod-upload/node` (the runtime's helpers)
// and `vod-upload`, which must resolve (by its "node" export condition) to the same upload.
// Usage: node run.mjs '{"origin":…,"secretId":…,"secretKey":…}'
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as root from 'vod-upload';
import * as api from 'vod-upload/node';
import { printFailure, printResult, runScenario } from '../scenario.mjs';

const config = JSON.parse(process.argv[2]);
const version = `Node ${process.versions.node}`;
const dir = await mkdtemp(join(tmpdir(), 'vod-upload-node-'));
try {
  if (typeof api.createNodeHasher !== 'function') throw new Error('"vod-upload/node" is not the Node adapter');
  if (root.upload !== api.upload) throw new Error('"vod-upload" did not resolve to the Node entry');
  const report = await runScenario({
    runtime: 'node',
    version,
    api,
    origin: config.origin,
    credentials: { secretId: config.secretId, secretKey: config.secretKey },
    tempDir: join(dir, 'checkpoints'),
    createHasher: () => api.createNodeHasher(),
    writeFile: async (name, bytes) => {
      const path = join(dir, name);
      await writeFile(path, bytes);
      return path;
    },
  });
  printResult(report);
} catch (error) {
  printFailure('node', version, error);
  process.exitCode = 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
