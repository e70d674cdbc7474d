/**
 * The browser bench page (driven by bench/browser.ts): reads the picked File on a worker through
 * `blob.stream()` (the read ceiling), and hashes it with the browser adapter's default hasher.
 */
import { createBrowserWorkerHasher } from '../../src/adapters/browser/index.js';

export interface Timing {
  ms: number;
  bytes: number;
  detail?: string;
}

function picked(): File {
  const file = document.querySelector<HTMLInputElement>('#file')?.files?.[0];
  if (!file) throw new Error('no file picked');
  return file;
}

const hashers = new Map<1 | 2, ReturnType<typeof createBrowserWorkerHasher>>();

const api = {
  size: (): number => picked().size,
  /**
   * Reads the picked File on a fresh worker through blob.stream(): `own` into one reused buffer
   * (as the hasher reads), `plain` chunk by chunk as the stream hands them out, or `slices` bytes
   * at a time by arrayBuffer().
   */
  async read(how: 'own' | 'plain' = 'own', slices?: number): Promise<Timing> {
    const worker = new Worker(new URL('./read-worker.ts', import.meta.url), { type: 'module' });
    try {
      return await new Promise<Timing>((resolve, reject) => {
        worker.onmessage = (event: MessageEvent<Timing>) => resolve(event.data);
        worker.onerror = (event) => reject(new Error(event.message));
        worker.postMessage({ blob: picked(), slices, plain: how === 'plain' });
      });
    } finally {
      worker.terminate();
    }
  },
  /**
   * Hashes the picked File with the adapter's default hasher (`threads` 1), or with `threads: 2`
   * (SHA-1 and the part MD5s on two workers, each reading the file). The hasher is kept between calls,
   * as a page keeps it between uploads: its worker is started and its WebAssembly compiled by the
   * bench's warm-up round.
   */
  async hash(threads: 1 | 2 = 1): Promise<Timing> {
    let hasher = hashers.get(threads);
    if (!hasher) hashers.set(threads, (hasher = createBrowserWorkerHasher({ idleTimeoutMs: 600_000, threads })));
    const file = picked();
    const started = performance.now();
    const result = await hasher.hash(file, { partSize: 1048576 });
    if (result.runner !== 'worker') throw new Error(`hashed ${result.runner}: ${result.fallbackReason ?? ''}`);
    const workers = result.threads === 2 ? '2 workers (SHA-1 | part MD5s)' : '1 worker';
    return { ms: performance.now() - started, bytes: result.bytesHashed, detail: `${result.engine}, ${workers}` };
  },
};

declare global {
  interface Window {
    vodBench: typeof api;
  }
}
window.vodBench = api;
document.querySelector('#status')!.textContent = 'ready';
