/**
 * The Deno hash worker's script, built to `dist/deno-hash-worker.js` and started as a module Web
 * Worker by web-worker.ts: Deno's node:crypto, and files read by path with Deno's own API (the
 * worker inherits the program's permissions).
 */
import { nodeCryptoEngine } from '../node/native-hash-engine.js';
import { startServerHashWorker } from '../shared/server-hash-worker.js';
import { webWorkerPorts } from '../shared/worker-scope.js';
import { denoApi } from './deno-api.js';

startServerHashWorker({
  engine: nodeCryptoEngine,
  ...webWorkerPorts(),
  async openFile(path) {
    const file = await denoApi().open(path, { read: true });
    return {
      async stat() {
        const info = await file.stat();
        return { size: info.size, mtimeMs: info.mtime?.getTime() ?? 0 };
      },
      async read(into, position) {
        await file.seek(position, 0);
        return (await file.read(into)) ?? 0;
      },
      close: () => file.close(),
    };
  },
});
