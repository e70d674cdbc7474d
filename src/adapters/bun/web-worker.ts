/**
 * Starts the Bun hash worker (hash-worker.ts, built to `dist/bun-hash-worker.js`) as a Web
 * Worker. `Bun.file()` Blobs are posted to it as they are: Bun clones them by reference.
 */
import { moduleWorkerSpawner } from '../shared/module-worker.js';

/** Starts the hash worker. The URL is written out so the build and bundlers can find the script. */
export const spawnBunWorker = /* @__PURE__ */ moduleWorkerSpawner(
  () => new URL(/* @vite-ignore */ './bun-hash-worker.js', import.meta.url),
);
