/**
 * The Node hash worker's script, built to `dist/node-hash-worker.js` and started on a
 * worker_threads thread by thread-worker.ts: node:crypto, and files read by path.
 */
import { open } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { startServerHashWorker } from '../shared/server-hash-worker.js';
import { nodeCryptoEngine } from './native-hash-engine.js';

const port = parentPort;
if (!port) throw new Error('node-hash-worker.js runs on a worker thread (see createNodeHasher)');
startServerHashWorker({
  engine: nodeCryptoEngine,
  post: (message) => port.postMessage(message),
  listen: (onMessage) => {
    port.on('message', onMessage);
  },
  async openFile(path) {
    const handle = await open(path, 'r');
    return {
      async stat() {
        const stats = await handle.stat();
        return { size: stats.size, mtimeMs: stats.mtimeMs };
      },
      async read(into, position) {
        return (await handle.read(into, 0, into.byteLength, position)).bytesRead;
      },
      close: () => handle.close(),
    };
  },
});
