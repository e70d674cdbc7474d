/**
 * The browser half of the runtime matrix, driven by test/runtimes/browser/suite.ts (in Chromium,
 * Firefox and WebKit) through `window.vodRuntime`. Imports the browser adapter from the sources (Vite serves it), so the
 * hasher's module worker is the one bundlers see.
 */
import { createBrowserWorkerHasher, createSecretSigner, upload, type UploadResult } from '../../../src/adapters/browser/index.js';
import { transfersAreCheap } from '../../../src/adapters/browser/transfer-probe.js';
import { createInlineHasher, sparkEngine, wasmEngine } from '../../../src/engine.js';

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
const running = new Map<string, { handle: ReturnType<typeof upload>; ackedBytes: number; settled: Promise<string> }>();

/**
 * Random-looking bytes. With a seed they are the same on every page load (xorshift32), so a
 * reloaded page can pick "the same file" again; without one they come from getRandomValues.
 */
function randomFile(size: number, name: string, seed?: number): File {
  const bytes = new Uint8Array(size);
  if (seed === undefined) {
    // getRandomValues takes at most 64 KiB per call.
    for (let offset = 0; offset < size; offset += 65536) crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65536)));
  } else {
    const words = new Uint32Array(bytes.buffer, 0, size >>> 2);
    let x = seed >>> 0 || 1;
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[i] = x >>> 0;
    }
    for (let i = words.length * 4; i < size; i++) bytes[i] = i & 0xff;
  }
  return new File([bytes], name, { type: 'video/mp4', lastModified: 1_700_000_000_000 });
}

/** How many records the adapter's IndexedDB checkpoint store holds, read with the raw IndexedDB API. */
function storedCheckpoints(): Promise<number> {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open('vod-upload');
    opening.onerror = () => reject(opening.error);
    opening.onsuccess = () => {
      const db = opening.result;
      if (!db.objectStoreNames.contains('checkpoints')) {
        db.close();
        resolve(0);
        return;
      }
      const counting = db.transaction('checkpoints', 'readonly').objectStore('checkpoints').count();
      counting.onsuccess = () => {
        db.close();
        resolve(counting.result);
      };
      counting.onerror = () => reject(counting.error);
    };
  });
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
  /** Makes (and keeps) a random file; a `seed` makes the same bytes on every page load. */
  makeFile(key: string, size: number, name: string, seed?: number): number {
    files.set(key, randomFile(size, name, seed));
    return size;
  },
  storedCheckpoints,
  /** Uploads a kept file (optionally under another name) to completion. */
  async upload(connection: Connection, key: string, rename?: string): Promise<StepReport> {
    const file = files.get(key);
    if (!file) throw new Error(`no file ${key}`);
    const source = rename ? new File([file], rename, { lastModified: file.lastModified }) : file;
    const result = await upload(source, options(connection)).done;
    return { result, sha1: await sha1Hex(file), workersCreated };
  },
  /** Starts uploading a kept file one part at a time; {@link abortUpload} ends it. */
  startUpload(connection: Connection, key: string): void {
    const file = files.get(key);
    if (!file) throw new Error(`no file ${key}`);
    const handle = upload(file, { ...options(connection), concurrency: 1 });
    const run = {
      handle,
      ackedBytes: 0,
      settled: handle.done.then(
        () => 'finished',
        (error: { code?: string }) => error.code ?? String(error),
      ),
    };
    handle.on('progress', (progress) => {
      run.ackedBytes = progress.ackedBytes;
    });
    running.set(key, run);
  },
  /** Aborts a started upload and says how it ended and how many bytes the service had acknowledged. */
  async abortUpload(key: string): Promise<{ error: string; ackedBytes: number }> {
    const run = running.get(key);
    if (!run) throw new Error(`no upload ${key}`);
    running.delete(key);
    run.handle.abort();
    return { error: await run.settled, ackedBytes: run.ackedBytes };
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
  /**
   * Hashes `mib` MiB + 12345 bytes with the default worker hasher (wasm: part MD5s four at a time
   * on SIMD where the engine has it; from 16 MiB on two piped workers where the engine reports two
   * cores or more); the SHA-1 is checked against WebCrypto's, the part MD5s against spark's.
   */
  async workerHash(
    mib: number,
    threads?: 1 | 2,
  ): Promise<{
    runner: string;
    engine: string;
    sha1Matches: boolean;
    md5sMatch: boolean;
    parts: number;
    threads: number;
    piped: boolean;
    cores: number;
    cheapTransfers: boolean;
  }> {
    const file = randomFile(mib * MiB + 12345, 'lanes.bin');
    const hasher = createBrowserWorkerHasher({ threads });
    try {
      const result = await hasher.hash(file, { partSize: MiB });
      const spark = await createInlineHasher({ engines: [sparkEngine] }).hash(file, { partSize: MiB, only: 'partMd5s' });
      return {
        runner: result.runner,
        engine: result.engine,
        sha1Matches: result.sha1 === (await sha1Hex(file)),
        md5sMatch: result.partMd5s.join() === spark.partMd5s.join(),
        parts: result.partMd5s.length,
        threads: result.threads ?? 1,
        piped: result.piped === true,
        cores: navigator.hardwareConcurrency,
        cheapTransfers: await transfersAreCheap(),
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
