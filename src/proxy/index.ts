/**
 * `vod-upload/proxy`: keep the SecretKey on the server. Two web-standard handlers
 * (`(Request) => Promise<Response>`) that run unchanged on Cloudflare Workers, Deno, Bun and Node:
 *
 * - `createSigningHandler` signs batches of upload requests for `createRemoteSigner` in the page;
 * - `createUploadProxy` receives the upload itself, checks it, signs it and streams it upstream.
 */
export { createSigningHandler, type SigningHandlerOptions, type SignCall } from './signing-handler.js';
export { createUploadProxy, type UploadProxyOptions } from './upload-proxy.js';
export type { UploadCall, UploadLimits, Refusal } from './policy.js';
export type { AuthorizeResult, CorsOptions } from './http.js';
export {
  createRemoteSigner,
  createProxySigner,
  type RemoteSigner,
  type RemoteSignerOptions,
  type RemoteSignerStats,
} from '../signing/index.js';
