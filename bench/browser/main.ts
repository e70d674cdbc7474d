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

const hashers: Partial<Record<1 | 3, ReturnType<typeof createBrowserWorkerHasher>>> = {};

const api = {
  size: (): number => picked().size,
  /** Reads the picked File on a fresh worker through blob.stream() (or `slices` by arrayBuffer()). */
  async read(slices?: number): Promise<Timing> {
    const worker = new Worker(new URL('./read-worker.ts', import.meta.url), { type: 'module' });
    try {
      return await new Promise<Timing>((resolve, reject) => {
        worker.onmessage = (event: MessageEvent<Timing>) => resolve(event.data);
        worker.onerror = (event) => reject(new Error(event.message));
        worker.postMessage({ blob: picked(), slices });
      });
    } finally {
      worker.terminate();
    }
  },
  /**
   * Hashes the picked File with the adapter's hasher on 1 worker (the default) or 3. The
   * hasher is kept between calls, as a page keeps it between uploads: its workers are started
   * and their WebAssembly compiled by the bench's warm-up round.
   */
  async hash(threads: 1 | 3 = 1): Promise<Timing> {
    const hasher = (hashers[threads] ??= createBrowserWorkerHasher({ threads, idleTimeoutMs: 600_000 }));
    const file = picked();
    const started = performance.now();
    const result = await hasher.hash(file, { partSize: 1048576 });
    if (result.runner !== 'worker') throw new Error(`hashed ${result.runner}: ${result.fallbackReason ?? ''}`);
    const workers = result.threads ?? 1;
    return { ms: performance.now() - started, bytes: result.bytesHashed, detail: `${result.engine}, ${workers} worker${workers === 1 ? '' : 's'}` };
  },
};

declare global {
  interface Window {
    vodBench: typeof api;
  }
}
window.vodBench = api;
document.querySelector('#status')!.textContent = 'ready';
