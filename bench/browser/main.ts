/**
 * The browser bench page (driven by bench/browser.ts): reads the picked File on a worker through
 * `blob.stream()` (the read ceiling), and hashes it with the browser adapter's default hasher.
 */
import { createBrowserWorkerHasher } from '../../src/adapters/browser/index.js';
import type { ProfileSplit } from './profile-worker.js';

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

const hashers = new Map<0 | 1 | 2, ReturnType<typeof createBrowserWorkerHasher>>();

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
  /** The hasher's loop on a fresh worker with timings around each step (see profile-worker.ts). */
  async profile(chunk: number, skip?: 'sha1' | 'md5' | 'both'): Promise<ProfileSplit> {
    const worker = new Worker(new URL('./profile-worker.ts', import.meta.url), { type: 'module' });
    try {
      return await new Promise<ProfileSplit>((resolve, reject) => {
        worker.onmessage = (event: MessageEvent<ProfileSplit>) => resolve(event.data);
        worker.onerror = (event) => reject(new Error(event.message));
        worker.postMessage({ blob: picked(), chunk, partSize: 1048576, skip });
      });
    } finally {
      worker.terminate();
    }
  },
  /**
   * Hashes the picked File with the adapter's default hasher (`threads` unset: two piped workers
   * where the engine reports 2+ cores), or with `threads: 1` (one worker reads and computes both).
   * The hasher is kept between calls, as a page keeps it between uploads: its workers are started
   * and their WebAssembly compiled by the bench's warm-up round.
   */
  async hash(threads?: 1 | 2): Promise<Timing> {
    let hasher = hashers.get(threads ?? 0);
    if (!hasher) hashers.set(threads ?? 0, (hasher = createBrowserWorkerHasher({ idleTimeoutMs: 600_000, threads })));
    const file = picked();
    const started = performance.now();
    const result = await hasher.hash(file, { partSize: 1048576 });
    if (result.runner !== 'worker') throw new Error(`hashed ${result.runner}: ${result.fallbackReason ?? ''}`);
    const workers = result.threads === 2 ? `2 workers${result.piped ? ' piped (read + part MD5s → SHA-1)' : ', each reading'}` : '1 worker';
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
