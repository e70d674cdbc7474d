/** The global scope of a Web Worker (Deno, Bun) as a hash worker's `post` and `listen`. */
import type { HashWorkerEnv } from './hash-worker-types.js';

/** The part of a worker's global scope used here (the DOM lib does not describe workers). */
interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}

/** `post` and `listen` over `globalThis` of a Web Worker; call it inside the worker only. */
export function webWorkerPorts(): Pick<HashWorkerEnv, 'post' | 'listen'> {
  const scope = globalThis as unknown as WorkerScope;
  return {
    post: (message) => scope.postMessage(message),
    listen: (onMessage) => scope.addEventListener('message', (event) => onMessage(event.data)),
  };
}
