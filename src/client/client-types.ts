/** The low-level client's public shapes: its options, per-request options and methods. */
import type { VodAction } from '../protocol/errors.js';
import type { FinishUploadParams, FinishUploadResult, InitUploadParams, InitUploadResult, UploadPartParams } from '../protocol/schemas.js';
import type { Signer } from '../protocol/signature.js';
import type { BeforeRequestHook } from './request-hook.js';

/** Paces requests under the service's rate limits; see `createRatePacer`. */
export interface RequestPacer {
  /** Resolves when one request of `action` may be sent; rejects when `signal` aborts first. */
  acquire(action: VodAction, signal?: AbortSignal): Promise<void>;
}

/** Options of {@link createVodClient}. */
export interface VodClientOptions {
  /** Signs every request: `createSecretSigner` on servers, a remote signer in browsers. */
  signer: Signer;
  /** Full endpoint URL. Default `https://vod2.qcloud.com/v2/index.php`. */
  endpoint?: string;
  /** The `Region` common parameter. Default `gz`. */
  region?: string;
  /** A fetch implementation (tests, proxies, runtimes without a global fetch). */
  fetch?: typeof fetch;
  /**
   * Per-request time limit in ms: sending, waiting and reading the answer together. A request
   * that takes longer is cancelled (a retryable `TIMEOUT`). Default 60 000.
   */
  timeoutMs?: number;
  /**
   * Stall limit in ms: an attempt that sends no byte and receives nothing for this long is
   * cancelled (a retryable `TIMEOUT`), and the upload engine retries that request alone.
   * Watches bytes going out when part bodies are streamed (`streamPartBodies`), the answer
   * always, except the wait for FinishUpload's answer (the service checks the whole file then, which
   * may take longer; `timeoutMs` bounds it). `0` turns the watch off (`timeoutMs` still applies). Default 30 000.
   */
  stallTimeoutMs?: number;
  /**
   * Send part bodies as streams with their Content-Length, so the stall watch sees bytes going
   * out. Needs a fetch that honours Content-Length on a stream (Node's); browsers send Blobs.
   * Default `false` (the Node entry and the CLI turn it on).
   */
  streamPartBodies?: boolean;
  /** Sent as `RequestClient`. Default `vod-upload`. */
  requestClient?: string;
  /**
   * Extra HTTP headers on every request (e.g. a token for an upload proxy), or a function
   * called per request that returns them.
   */
  headers?: HeadersInit | (() => HeadersInit | Promise<HeadersInit>);
  /**
   * Paces requests under the service's limits (InitUpload/FinishUpload 100/min, UploadPart
   * 10000/min), shared by every upload through this client. Default: a pacer at those limits;
   * `false` turns pacing off.
   */
  pacer?: RequestPacer | false;
}

/** Options of one client call. */
export interface RequestOptions {
  /** Aborts the request. */
  signal?: AbortSignal | undefined;
  /** Sees the request after signing and may add headers (see {@link BeforeRequestHook}). */
  beforeRequest?: BeforeRequestHook | undefined;
}

/** Bytes of one part: a Blob slice (preferred: read lazily) or bytes in memory. */
export type PartBody = Blob | Uint8Array;

/** The low-level client: one method per protocol action, one signed request per call, no retries. */
export interface VodClient {
  /** The endpoint URL requests go to. */
  readonly endpoint: string;
  /** Starts, resumes (code 1) or instantly completes (code 2) an upload session. */
  initUpload(params: InitUploadParams, options?: RequestOptions): Promise<InitUploadResult>;
  /** Sends one part; resolves when the service has stored and verified it. */
  uploadPart(params: UploadPartParams, body: PartBody, options?: RequestOptions): Promise<void>;
  /**
   * Signs these UploadPart requests now, together (one round trip for a remote signer);
   * `uploadPart` then uses each signature once, while fresh (2 minutes).
   */
  presignParts?(params: readonly UploadPartParams[]): Promise<void>;
  /** Assembles the parts; the service checks the file's SHA-1. */
  finishUpload(params: FinishUploadParams, options?: RequestOptions): Promise<FinishUploadResult>;
}
