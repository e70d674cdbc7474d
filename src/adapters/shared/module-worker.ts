/**
 * Module Web Workers (Deno, Bun) running a hash worker script the build emitted beside this
 * package's modules (`dist/<runtime>-hash-worker.js`).
 */
import type { ThreadWorker } from './hash-worker-types.js';

/**
 * A function that starts a module worker running the script at `url()`. Error events are marked
 * handled: left unhandled, Deno would end the program, and the hasher falls back to hashing
 * inline by itself.
 */
export function moduleWorkerSpawner(url: () => URL): () => ThreadWorker {
  return () => {
    const worker = new Worker(url().href, { type: 'module' });
    return {
      postMessage: (message, transfer) => worker.postMessage(message, transfer ?? []),
      addEventListener(type, listener) {
        worker.addEventListener(type, (event) => {
          if (type === 'error') event.preventDefault();
          listener(event);
        });
      },
      terminate: () => worker.terminate(),
    };
  };
}
