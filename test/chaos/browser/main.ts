/**
 * The browser half of the chaos runs, driven by test/chaos/runners.ts through `window.vodChaos`:
 * uploads the seed's bytes with the browser adapter (hashing on a Web Worker) and reports the
 * result or the error, and how many retries the upload made.
 */
import { createSecretSigner, upload, type UploadResult } from '../../../src/adapters/browser/index.js';
import { runShape, seededBytes } from '../bytes.js';

export interface BrowserRunInput {
  endpoint: string;
  secretId: string;
  secretKey: string;
  seed: number;
  timeoutMs: number;
}

export interface BrowserRunReport {
  result?: UploadResult;
  error?: { code: string | number; message: string };
  retries: number;
}

const api = {
  async upload(input: BrowserRunInput): Promise<BrowserRunReport> {
    const shape = runShape(input.seed);
    const file = new File([seededBytes(input.seed, shape.size)], `chaos-${input.seed}.mp4`, {
      lastModified: 1_700_000_000_000 + input.seed,
    });
    // A Signer like a remote one would be; the key only exists because this is the local emulator.
    const signer = createSecretSigner({ secretId: input.secretId, secretKey: input.secretKey });
    const handle = upload(file, {
      endpoint: input.endpoint,
      signer,
      secretId: input.secretId,
      partSize: 524288,
      concurrency: shape.concurrency,
      timeoutMs: input.timeoutMs,
      retry: { retries: 8, baseDelayMs: 50, rateLimitDelayMs: 250 },
    });
    let retries = 0;
    handle.on('retry', () => (retries += 1));
    try {
      return { result: await handle.done, retries };
    } catch (error) {
      const { code = 'ERROR', message = String(error) } = error as { code?: string | number; message?: string };
      return { error: { code, message }, retries };
    }
  },
};

declare global {
  interface Window {
    vodChaos: typeof api;
  }
}
window.vodChaos = api;
document.querySelector('#status')!.textContent = 'ready';
