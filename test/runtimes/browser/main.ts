/**
 * The browser half of the runtime matrix, driven by test/runtime-chromium.test.ts through
 * `window.vodRuntime`. Imports the browser adapter from the sources (Vite serves it), so the
 * hasher's module worker is the one bundlers see.
 */
import { createBrowserWorkerHasher, createInlineHasher, createSecretSigner, sparkEngine, wasmEngine, upload, type UploadResult } from '../../../src/adapters/browser/index.js';

export interface Connection {
  endpoint: string;
  secretId: string;
  secretKey: string;
}

/** What a step reports: the result plus an independent SHA-1 of the bytes and worker evidence. */
export interface StepReport {
  result: UploadResult;
  sha1: string;
  workersCreated: number;
}

export interface HashBench {
  engine: string;
  runner: string;
  mib: number;
  ms: number;
  mbPerSecond: number;
}

// Counts workers the adapter creates; wrapped lazily so the page itself never needs a Worker.
let workersCreated = 0;
const NativeWorker = globalThis.Worker;
globalThis.Worker = class CountingWorker extends NativeWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    workersCreated += 1;
  }
};

const MiB = 1048576;
const files = new Map<string, File>();

/** Random bytes without a per-call size limit (getRandomValues takes at most 64 KiB). */
function randomFile(size: number, name: string): File {
  const bytes = new Uint8Array(size);
  for (let offset = 0; offset < size; offset += 65536) crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65536)));
  return new File([bytes], name, { type: 'video/mp4', lastModified: 1_700_000_000_000 });
}

async function sha1Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function options(connection: Connection) {
  // A Signer like a remote one would be; the key only exists because this is the local emulator.
  return { endpoint: connection.endpoint, signer: createSecretSigner(connection), secretId: connection.secretId, partSize: MiB as 1048576 };
}

const api = {
  /** Makes (and keeps) a random file. */
  makeFile(key: string, size: number, name: string): number {
    files.set(key, randomFile(size, name));
    return size;
  },
  /** Uploads a kept file (optionally under another name) to completion. */
  async upload(connection: Connection, key: string, rename?: string): Promise<StepReport> {
    const file = files.get(key);
    if (!file) throw new Error(`no file ${key}`);
    const source = rename ? new File([file], rename, { lastModified: file.lastModified }) : file;
    const result = await upload(source, options(connection)).done;
    return { result, sha1: await sha1Hex(file), workersCreated };
  },
  /** Starts uploading one part at a time and aborts once half the bytes are acknowledged. */
  async uploadAndAbortHalfway(connection: Connection, key: string): Promise<{ error: string; ackedBytes: number }> {
    const file = files.get(key);
    if (!file) throw new Error(`no file ${key}`);
    const handle = upload(file, { ...options(connection), concurrency: 1 });
    let ackedBytes = 0;
    handle.on('progress', (progress) => {
      ackedBytes = progress.ackedBytes;
      if (progress.ackedBytes >= file.size / 2) handle.abort();
    });
    try {
      await handle.done;
      return { error: 'finished', ackedBytes };
    } catch (error) {
      return { error: (error as { code?: string }).code ?? String(error), ackedBytes };
    }
  },
  /** Hashes `mib` MiB with one engine on the worker (or inline) and measures its speed. */
  async hashBench(mib: number, engine: 'wasm' | 'spark', where: 'worker' | 'inline' = 'worker'): Promise<HashBench> {
    const blob = randomFile(mib * MiB, 'bench.bin');
    const hasher =
      where === 'worker'
        ? createBrowserWorkerHasher({ engines: [engine] })
        : { ...createInlineHasher({ engines: [engine === 'wasm' ? wasmEngine : sparkEngine] }), close() {} };
    const started = performance.now();
    try {
      const result = await hasher.hash(blob, { partSize: MiB });
      const ms = performance.now() - started;
      return {
        engine: result.engine,
        runner: result.runner,
        mib,
        ms: Math.round(ms),
        mbPerSecond: Math.round((mib * MiB) / 1e6 / (ms / 1000)),
      };
    } finally {
      hasher.close();
    }
  },
  isolation(): { crossOriginIsolated: boolean; hasWorker: boolean } {
    return { crossOriginIsolated: globalThis.crossOriginIsolated, hasWorker: typeof NativeWorker === 'function' };
  },
};

declare global {
  interface Window {
    vodRuntime: typeof api;
  }
}
window.vodRuntime = api;
document.querySelector('#status')!.textContent = 'ready';
