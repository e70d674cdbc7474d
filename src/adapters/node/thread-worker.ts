/**
 * The hash worker on Node's worker_threads. The worker's code is evaluated from source text
 * ({@link hashWorkerMain} + {@link nodeWorkerEnv}), so it works from the published bundle, from
 * sources under Vitest, and inside an application bundle alike: no worker file to locate.
 */
import type { Worker as NodeWorker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { hashWorkerMain, type HashWorkerEnv, type ThreadWorker } from '../shared/hash-worker-main.js';

/** Runs inside the worker: self-contained (shipped as source text), given the modules it needs. */
export function nodeWorkerEnv(
  port: MessagePort,
  crypto: typeof import('node:crypto'),
  fs: typeof import('node:fs/promises'),
): HashWorkerEnv {
  return {
    engine: 'node',
    createHash(algorithm) {
      const hash = crypto.createHash(algorithm);
      return {
        update: (bytes) => {
          hash.update(bytes);
        },
        digest: () => hash.digest('hex'),
      };
    },
    post: (message) => port.postMessage(message),
    listen: (onMessage) => {
      port.on('message', onMessage);
    },
    async openFile(path) {
      const handle = await fs.open(path, 'r');
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
  };
}

/** The worker's whole program (CommonJS, as `eval` workers run). */
export function nodeWorkerSource(): string {
  return [
    '"use strict";',
    "const { parentPort } = require('node:worker_threads');",
    `(${String(hashWorkerMain)})((${String(nodeWorkerEnv)})(parentPort, require('node:crypto'), require('node:fs/promises')));`,
  ].join('\n');
}

/**
 * Starts a worker and presents it as the DOM-like worker the core's hasher drives. An exit the
 * hasher did not ask for (a crash) counts as an error, so pending jobs rerun inline.
 */
export function spawnNodeWorker(Worker: typeof NodeWorker): ThreadWorker {
  const worker = new Worker(nodeWorkerSource(), { eval: true });
  let terminating = false;
  const event = (type: string, fields: Record<string, unknown>): Event => Object.assign(new Event(type), fields);
  return {
    postMessage: (message, transfer) =>
      worker.postMessage(message, transfer as import('node:worker_threads').TransferListItem[] | undefined),
    addEventListener(type, listener) {
      if (type === 'message') worker.on('message', (data: unknown) => listener(event('message', { data })));
      else if (type === 'messageerror') worker.on('messageerror', (error: unknown) => listener(event('messageerror', { error })));
      else if (type === 'error') {
        worker.on('error', (error: unknown) => listener(event('error', { error })));
        worker.on('exit', (code: number) => {
          if (!terminating) listener(event('error', { error: new Error(`The hash worker exited with code ${code}`) }));
        });
      }
    },
    terminate() {
      terminating = true;
      void worker.terminate();
    },
  };
}
