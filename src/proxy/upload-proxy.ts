/**
 * `createUploadProxy`: a web-standard handler the browser speaks the protocol to *without*
 * secrets. It checks each request (action, parameters, limits, the app's `authorize`), signs it
 * with its own key, Timestamp and Nonce, streams the part body upstream without buffering it, and
 * returns the upstream answer. It keeps no state: resume state lives in the service.
 */
import {
  DEFAULT_ENDPOINT,
  ErrorCode,
  errorDescriptions,
  VodArgumentError,
  type HttpMethod,
  type SignatureMethod,
} from '../protocol/index.js';
import {
  corsHeaders,
  handlerSigner,
  requireFunction,
  requireString,
  resolveCors,
  runAuthorize,
  type AuthorizeResult,
  type CorsOptions,
} from './http.js';
import { checkUploadRequest, resolveLimits, type Refusal, type UploadCall, type UploadLimits } from './policy.js';

/** Options of {@link createUploadProxy}. */
export interface UploadProxyOptions {
  /** The account's SecretId. */
  secretId: string;
  /** Stays on the server. */
  secretKey: string;
  /** The service endpoint requests go to. Default `https://vod2.qcloud.com/v2/index.php`. */
  upstream?: string;
  /**
   * The app's decision per request (user, quota, which fileSha a user may touch…): `true`
   * forwards; `false` or a reason string answers code 4300; throwing answers code 4100 (the error
   * goes to `onError`, not to the caller).
   */
  authorize: (request: Request, call: UploadCall) => AuthorizeResult | Promise<AuthorizeResult>;
  /** File size, file type and Region limits, checked on InitUpload before anything is sent. */
  limits?: UploadLimits;
  /** Forces this Region upstream, whatever the browser sent. */
  region?: string;
  /** The signature algorithm. Default `HmacSHA1`. */
  signatureMethod?: SignatureMethod;
  /** The fetch used upstream. Default the global one. */
  fetch?: typeof fetch;
  /** CORS for pages on another origin. Default: any origin, no credentials. `false`: none. */
  cors?: CorsOptions | false;
  /** Called with errors the caller does not see (a throwing `authorize`, an unreachable upstream). */
  onError?: (error: unknown) => void;
}

const METHODS = 'GET, POST, OPTIONS';
/** Bounds on the query string (the emulator's), checked before anything reads it. */
const QUERY_LIMITS = { length: 8192, params: 64 } as const;
/** Parameters the proxy sets itself: whatever the browser sent for them is dropped. */
const OWN_PARAMS = ['SecretId', 'Signature', 'SignatureMethod', 'Timestamp', 'Nonce'] as const;

function randomNonce(): string {
  const words = crypto.getRandomValues(new Uint32Array(2));
  return String((words[0]! & 0x1fffff) * 2 ** 32 + words[1]! + 1);
}

function readQuery(url: URL): { query: Record<string, string> } | { refusal: Refusal } {
  if (url.search.length > QUERY_LIMITS.length)
    return {
      refusal: { code: ErrorCode.CommonParams, message: `query string longer than ${QUERY_LIMITS.length} characters`, canRetry: 0 },
    };
  const query: Record<string, string> = {};
  let count = 0;
  for (const [name, value] of url.searchParams) {
    if (++count > QUERY_LIMITS.params)
      return { refusal: { code: ErrorCode.CommonParams, message: `more than ${QUERY_LIMITS.params} parameters`, canRetry: 0 } };
    if (Object.hasOwn(query, name))
      return { refusal: { code: ErrorCode.ProtocolParams, message: `${name.slice(0, 64)}: given more than once`, canRetry: 0 } };
    query[name] = value;
  }
  return { query };
}

/**
 * A body stream that errors as soon as more than `limit` bytes come through. `overflowed` tells
 * the caller afterwards that the upstream fetch failed because of the caller's body, not the link.
 */
function capped(body: ReadableStream<Uint8Array>, limit: number): { stream: ReadableStream<Uint8Array>; overflowed: () => boolean } {
  let seen = 0;
  const stream = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) controller.error(new RangeError(`part body longer than its dataSize (${limit} bytes)`));
        else controller.enqueue(chunk);
      },
    }),
  );
  return { stream, overflowed: () => seen > limit };
}

/**
 * Creates the upload proxy. Browsers use it with `createProxySigner()` and the proxy's URL as
 * their endpoint.
 *
 * @example
 * const proxy = createUploadProxy({
 *   secretId, secretKey,
 *   authorize: (request, call) => userOf(request) !== null,
 *   limits: { maxFileSize: 2 * 1024 ** 3, allowedTypes: ['mp4', 'mov'] },
 * });
 * export default { fetch: proxy };
 */
export function createUploadProxy(options: UploadProxyOptions): (request: Request) => Promise<Response> {
  const signer = handlerSigner(options);
  const authorize = requireFunction('authorize', options.authorize);
  let upstream: URL;
  try {
    upstream = new URL(options.upstream ?? DEFAULT_ENDPOINT);
  } catch {
    throw new VodArgumentError('upstream', 'an absolute http(s) URL', options.upstream);
  }
  if (upstream.protocol !== 'https:' && upstream.protocol !== 'http:')
    throw new VodArgumentError('upstream', 'an http(s) URL', options.upstream);
  if (options.region !== undefined) requireString('region', options.region);
  if (options.fetch !== undefined) requireFunction('fetch', options.fetch);
  const limits = resolveLimits(options.limits);
  const cors = resolveCors(options.cors);
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  const respond = (request: Request, status: number, body: BodyInit | null, contentType: string): Response => {
    const headers = corsHeaders(request, cors, METHODS);
    headers.set('Content-Type', contentType);
    // `no-cache` rather than `no-store`: see src/emulator/answer.ts (Chromium flags answered no-store requests as aborted).
    headers.set('Cache-Control', 'no-cache');
    return new Response(body, { status, headers });
  };
  /** A refusal in the protocol's own shape, so the client raises it like any service error. */
  const refuse = (request: Request, refusal: Refusal, status = 200): Response => {
    // Unread body bytes are not wanted: cancelling stops the upload instead of draining it.
    request.body?.cancel().catch(() => undefined);
    const body = {
      code: refusal.code,
      message: refusal.message,
      codeDesc: errorDescriptions[refusal.code] ?? 'error',
      canRetry: refusal.canRetry,
    };
    return respond(request, status, JSON.stringify(body), 'application/json; charset=utf-8');
  };

  return async (request) => {
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: corsHeaders(request, cors, METHODS) });
    const method = request.method;
    if (method !== 'GET' && method !== 'POST')
      return refuse(
        request,
        {
          code: ErrorCode.ParamError,
          message: `the upload proxy takes POST (and GET for InitUpload and FinishUpload), not ${method.slice(0, 16)}`,
          canRetry: 0,
        },
        405,
      );
    const read = readQuery(new URL(request.url));
    if ('refusal' in read) return refuse(request, read.refusal);
    const params = read.query;
    const check = checkUploadRequest(method, params, limits);
    if (!check.ok) return refuse(request, check.refusal);
    const { call } = check;

    let body: ReadableStream<Uint8Array> | null = null;
    let overflowed = (): boolean => false;
    let length: number | undefined;
    if (call.action === 'UploadPart') {
      const declared = request.headers.get('Content-Length');
      if (declared !== null) {
        length = /^[0-9]{1,16}$/.test(declared) ? Number(declared) : NaN;
        if (length !== call.params.dataSize) {
          return refuse(request, {
            code: ErrorCode.BodyInvalid,
            message: `body of ${declared} bytes, but dataSize is ${call.params.dataSize}`,
            canRetry: 1,
          });
        }
      }
      if (!request.body)
        return refuse(request, { code: ErrorCode.BodyInvalid, message: `no body, but dataSize is ${call.params.dataSize}`, canRetry: 1 });
    }

    const decision = await runAuthorize(() => authorize(request, call));
    if (!decision.ok && decision.denied) return refuse(request, { code: ErrorCode.AccessDenied, message: decision.message, canRetry: 0 });
    if (!decision.ok) {
      options.onError?.(decision.error);
      return refuse(request, { code: ErrorCode.AuthFailed, message: 'the caller could not be authenticated', canRetry: 0 });
    }
    // Wrapped only now: a refusal above can still cancel the untouched (unlocked) body.
    if (call.action === 'UploadPart' && request.body) {
      if (length === undefined) ({ stream: body, overflowed } = capped(request.body, call.params.dataSize));
      else body = request.body;
    }

    const unsigned: Record<string, string> = { ...params };
    for (const name of OWN_PARAMS) delete unsigned[name];
    if (options.region !== undefined) unsigned.Region = options.region;
    unsigned.Timestamp = String(Math.floor(Date.now() / 1000));
    unsigned.Nonce = randomNonce();
    const signed = await signer.sign({ method: method as HttpMethod, host: upstream.host, path: upstream.pathname, params: unsigned });
    const target = `${upstream.origin}${upstream.pathname}?${new URLSearchParams(signed).toString()}`;
    const headers = new Headers({ 'Content-Type': 'application/octet-stream' });
    if (length !== undefined) headers.set('Content-Length', String(length));
    if (call.action !== 'UploadPart') request.body?.cancel().catch(() => undefined);

    let answer: Response;
    try {
      // The part streams through: `duplex: 'half'` lets fetch send a body it has not read yet.
      answer = await doFetch(target, { method, headers, body, signal: request.signal, ...(body ? { duplex: 'half' } : {}) } as RequestInit);
    } catch (error) {
      // A chunked body longer than its dataSize is the caller's error, answered as the service would.
      if (overflowed()) return refuse(request, { code: ErrorCode.BodyInvalid, message: 'body longer than its dataSize', canRetry: 1 });
      options.onError?.(error);
      const reason = error instanceof Error ? error.message : String(error);
      return refuse(
        request,
        {
          code: ErrorCode.Internal,
          message: `${call.action}: the upstream service could not be reached (${reason.slice(0, 200)})`,
          canRetry: 1,
        },
        502,
      );
    }
    return respond(request, answer.status, answer.body, answer.headers.get('Content-Type') ?? 'application/json; charset=utf-8');
  };
}
