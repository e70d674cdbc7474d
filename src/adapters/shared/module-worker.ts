/**
 * Module Web Workers made from source text behind a `blob:` URL (Deno, Bun): nothing to locate on
 * disk, so it works from the published bundle and from inside an application bundle alike.
 */
import type { ThreadWorker } from './hash-worker-main.js';

/**
 * A function that starts a worker running `source()` (built once, on the first start). Error
 * events are marked handled: left unhandled, Deno would end the program, and the hasher falls
 * back to hashing inline by itself.
 */
export function moduleWorkerSpawner(source: () => string): () => ThreadWorker {
  let scriptUrl: string | undefined;
  return () => {
    if (!scriptUrl) scriptUrl = URL.createObjectURL(new Blob([source()], { type: 'text/javascript' }));
    const worker = new Worker(scriptUrl, { type: 'module' });
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
