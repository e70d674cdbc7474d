/**
 * The hash worker on a Deno module Web Worker. Its code is {@link hashWorkerMain} and
 * {@link denoWorkerEnv} as source text behind a `blob:` URL: nothing to locate on disk, and the
 * worker inherits the program's permissions (it reads the files the program may read).
 */
import type { DenoApi } from './deno-api.js';
import { hashWorkerMain, type HashWorkerEnv } from '../shared/hash-worker-main.js';
import { moduleWorkerSpawner } from '../shared/module-worker.js';

/** The part of a worker's global scope used here. */
export interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}

/** Runs inside the worker: self-contained (shipped as source text). Hashes with Deno's node:crypto. */
export function denoWorkerEnv(scope: WorkerScope, crypto: typeof import('node:crypto')): HashWorkerEnv {
  const deno = (globalThis as unknown as { Deno: DenoApi }).Deno;
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
    post: (message) => scope.postMessage(message),
    listen: (onMessage) => scope.addEventListener('message', (event) => onMessage(event.data)),
    async openFile(path) {
      const file = await deno.open(path, { read: true });
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
  };
}

/** Starts the hash worker (its module is made once per process). */
export const spawnDenoWorker = /* @__PURE__ */ moduleWorkerSpawner(() =>
  ["const crypto = await import('node:crypto');", `(${String(hashWorkerMain)})((${String(denoWorkerEnv)})(self, crypto));`].join('\n'),
);
