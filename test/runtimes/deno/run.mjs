// The scenario in Deno, through the package's own names: `vod-upload/deno` (the runtime's helpers)
// and `vod-upload`, which must resolve (by its "deno" export condition) to the same upload.
// Files are written and read with Deno's own APIs.
// Usage: deno run --allow-net --allow-read --allow-write --allow-env run.mjs '{"origin":…}'
import * as root from 'vod-upload';
import * as api from 'vod-upload/deno';
import { printFailure, printResult, runScenario } from '../scenario.mjs';

const config = JSON.parse(Deno.args[0]);
const version = `Deno ${Deno.version.deno}`;
const dir = await Deno.makeTempDir({ prefix: 'vod-upload-deno-' });
try {
  if (typeof api.createDenoHasher !== 'function') throw new Error('"vod-upload/deno" is not the Deno adapter');
  if (root.upload !== api.upload) throw new Error('"vod-upload" did not resolve to the Deno entry');
  const report = await runScenario({
    runtime: 'deno',
    version,
    api,
    origin: config.origin,
    credentials: { secretId: config.secretId, secretKey: config.secretKey },
    tempDir: `${dir}/checkpoints`,
    createHasher: () => api.createDenoHasher(),
    writeFile: async (name, bytes) => {
      const path = `${dir}/${name}`;
      await Deno.writeFile(path, bytes);
      return path;
    },
  });
  printResult(report);
} catch (error) {
  printFailure('deno', version, error);
  Deno.exitCode = 1;
} finally {
  await Deno.remove(dir, { recursive: true });
}
