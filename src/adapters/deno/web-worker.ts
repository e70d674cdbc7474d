/**
 * Starts the Deno hash worker (hash-worker.ts, built to `dist/deno-hash-worker.js`) as a module
 * Web Worker. It inherits the program's permissions: it reads the files the program may read.
 */
import { moduleWorkerSpawner } from '../shared/module-worker.js';

/** Starts the hash worker. The URL is written out so the build and bundlers can find the script. */
export const spawnDenoWorker = /* @__PURE__ */ moduleWorkerSpawner(
  () => new URL(/* @vite-ignore */ './deno-hash-worker.js', import.meta.url),
);
