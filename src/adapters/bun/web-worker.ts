/**
 * The hash worker on a Bun Web Worker, hashing with `Bun.CryptoHasher` (native). `Bun.file()`
 * Blobs are posted to it as they are: Bun clones them by reference and the worker reads the file.
 * Its code is {@link hashWorkerMain} and {@link bunWorkerEnv} as source text behind a `blob:` URL.
 */
import type { BunApi } from './bun-api.js';
import { hashWorkerMain, type HashWorkerEnv, type ThreadWorker } from '../shared/hash-worker-main.js';

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

let scriptUrl: string | undefined;

function workerUrl(): string {
  if (!scriptUrl) {
    const source = `(${String(hashWorkerMain)})((${String(bunWorkerEnv)})(self));`;
    scriptUrl = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  }
  return scriptUrl;
}

/** Starts a module worker; error events are marked handled (the hasher falls back inline). */
export function spawnBunWorker(): ThreadWorker {
  const worker = new Worker(workerUrl(), { type: 'module' });
  return {
    postMessage: (message) => worker.postMessage(message),
    addEventListener(type, listener) {
      worker.addEventListener(type, (event) => {
        if (type === 'error') event.preventDefault();
        listener(event);
      });
    },
    terminate: () => worker.terminate(),
  };
}
