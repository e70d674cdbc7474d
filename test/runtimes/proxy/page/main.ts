/**
 * A page that uploads without holding any secret: once through a remote signer (signatures from
 * `createSigningHandler`, bytes straight to the service), once through `createUploadProxy`.
 * Driven by test/proxy-chromium.test.ts via `window.vodProxyPage`; built by test/proxy-bundle.test.ts.
 */
import { createProxySigner, createRemoteSigner, upload, type UploadResult } from '../../../../src/adapters/browser/index.js';

export interface PageReport {
  result: UploadResult;
  /** SHA-1 of the bytes, computed independently with WebCrypto. */
  sha1: string;
  /** Signing requests and signatures (remote signer only). */
  signing?: { batches: number; requests: number; signed: number };
}

function randomFile(size: number, name: string): File {
  const bytes = new Uint8Array(size);
  for (let offset = 0; offset < size; offset += 65536) crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65536)));
  return new File([bytes], name, { type: 'video/mp4' });
}

async function sha1Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The user's session token rides in a header the app's `authorize` checks. */
function withToken(token: string): typeof fetch {
  return (input, init) => {
    const request = new Request(input, init);
    request.headers.set('Authorization', `Bearer ${token}`);
    return fetch(request);
  };
}

const api = {
  async viaRemoteSigner(options: { signUrl: string; endpoint: string; token: string; size: number }): Promise<PageReport> {
    const signer = createRemoteSigner({ url: options.signUrl, headers: { Authorization: `Bearer ${options.token}` } });
    const file = randomFile(options.size, 'signed.mp4');
    const result = await upload(file, { endpoint: options.endpoint, signer, checkpoints: false }).done;
    return { result, sha1: await sha1Hex(file), signing: { ...signer.stats } };
  },
  async viaProxy(options: { proxyUrl: string; token: string; size: number }): Promise<PageReport> {
    const file = randomFile(options.size, 'proxied.mp4');
    const result = await upload(file, {
      endpoint: options.proxyUrl,
      signer: createProxySigner(),
      fetch: withToken(options.token),
      checkpoints: false,
    }).done;
    return { result, sha1: await sha1Hex(file) };
  },
};

declare global {
  interface Window {
    vodProxyPage: typeof api;
  }
}
window.vodProxyPage = api;
document.getElementById('status')!.textContent = 'ready';
