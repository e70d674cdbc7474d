/**
 * Starts the Node hash worker (hash-worker.ts, built to `dist/node-hash-worker.js`) on
 * worker_threads, presented as the DOM-like worker the core's hasher drives.
 */
import type { Worker as NodeWorker, TransferListItem } from 'node:worker_threads';
import type { ThreadWorker } from '../shared/hash-worker-types.js';

/** The worker script, beside this module in dist. Written out so the build and bundlers can find it. */
const workerUrl = (): URL => new URL(/* @vite-ignore */ './node-hash-worker.js', import.meta.url);

/**
 * Starts a worker and presents it as the DOM-like worker the core's hasher drives. An exit the
 * hasher did not ask for (a crash) counts as an error, so pending jobs rerun inline.
 */
export function spawnNodeWorker(Worker: typeof NodeWorker): ThreadWorker {
  const worker = new Worker(workerUrl());
  let terminating = false;
  const event = (type: string, fields: Record<string, unknown>): Event => Object.assign(new Event(type), fields);
  return {
    postMessage: (message, transfer) => worker.postMessage(message, transfer as TransferListItem[] | undefined),
    addEventListener(type, listener) {
      if (type === 'message') worker.on('message', (data: unknown) => listener(event('message', { data })));
      else if (type === 'messageerror') worker.on('messageerror', (error: unknown) => listener(event('messageerror', { error })));
      else if (type === 'error') {
        worker.on('error', (error: unknown) => listener(event('error', { error })));
        worker.on('exit', (code: number) => {
          if (!terminating) listener(event('error', { error: new Error(`The hash worker exited with code ${code}`) }));
        });
      }
    },
    terminate() {
      terminating = true;
      void worker.terminate();
    },
  };
}
