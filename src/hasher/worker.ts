/**
 * The hash worker's script (a module worker). It receives Blobs, reads and hashes them itself,
 * and answers with progress and results; see worker-protocol.ts for the messages.
 */
import { createWorkerMessageHandler } from './worker-protocol.js';
import type { WorkerResponse } from './worker-protocol.js';

/** The part of DedicatedWorkerGlobalScope used here (the DOM lib does not describe workers). */
interface WorkerScope {
  postMessage(message: WorkerResponse): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}

const scope = globalThis as unknown as WorkerScope;
const handler = createWorkerMessageHandler((message) => scope.postMessage(message));
scope.addEventListener('message', (event) => handler.handle(event.data));
scope.postMessage({ type: 'ready' });
