/**
 * The body of a hash worker script (a module worker): it receives Blobs, reads and hashes them
 * itself with `engines`, and answers with progress and results; see worker-protocol.ts.
 */
import { createWorkerMessageHandler } from './worker-protocol.js';
import type { PipeJobs, WorkerResponse } from './worker-protocol.js';
import type { HashEngineLoader } from './types.js';

/** The part of DedicatedWorkerGlobalScope used here (the DOM lib does not describe workers). */
interface WorkerScope {
  postMessage(message: WorkerResponse): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}

/** Serves hash jobs on this worker's global scope (`pipes`: also the pipeline's), then announces it is ready. */
export function serveHashJobs(engines: readonly HashEngineLoader[], pipes?: PipeJobs): void {
  const scope = globalThis as unknown as WorkerScope;
  const handler = createWorkerMessageHandler((message) => scope.postMessage(message), { engines, pipes });
  scope.addEventListener('message', (event) => handler.handle(event.data));
  scope.postMessage({ type: 'ready' });
}
