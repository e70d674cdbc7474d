/**
 * The hash worker on a Bun Web Worker, hashing with `Bun.CryptoHasher` (native). `Bun.file()`
 * Blobs are posted to it as they are: Bun clones them by reference and the worker reads the file.
 * Its code is {@link hashWorkerMain} and {@link bunWorkerEnv} as source text behind a `blob:` URL.
 */
import type { BunApi } from './bun-api.js';
import { hashWorkerMain, type HashWorkerEnv } from '../shared/hash-worker-main.js';
import { moduleWorkerSpawner } from '../shared/module-worker.js';

/** The part of a worker's global scope used here. */
export interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}

/** Runs inside the worker: self-contained (shipped as source text). */
export function bunWorkerEnv(scope: WorkerScope): HashWorkerEnv {
  const bun = (globalThis as unknown as { Bun: BunApi }).Bun;
  return {
    engine: 'bun',
    createHash(algorithm) {
      const hash = new bun.CryptoHasher(algorithm);
      return {
        update: (bytes) => {
          hash.update(bytes);
        },
        digest: () => hash.digest('hex'),
      };
    },
    post: (message) => scope.postMessage(message),
    listen: (onMessage) => scope.addEventListener('message', (event) => onMessage(event.data)),
  };
}

/** Starts the hash worker (its module is made once per process). */
export const spawnBunWorker = /* @__PURE__ */ moduleWorkerSpawner(() => `(${String(hashWorkerMain)})((${String(bunWorkerEnv)})(self));`);
