/**
 * `createSigningHandler`: a web-standard endpoint that signs batches of upload requests for an
 * authorized caller, so a browser uploads straight to the service without ever holding the
 * SecretKey. It signs nothing but this protocol's upload actions, within the deployment's limits.
 */
import {
  commonWireParams,
  DEFAULT_ENDPOINT,
  ErrorCode,
  PROTOCOL_PATHS,
  VodArgumentError,
  type SignatureMethod,
} from '../protocol/index.js';
import {
  signingRequest,
  signItem,
  SIGNING_LIMITS,
  SigningErrorCode,
  type SigningErrorCodeValue,
  type SignItem,
} from '../signing/schema.js';
import { corsHeaders, handlerSigner, requireFunction, resolveCors, runAuthorize, type AuthorizeResult, type CorsOptions } from './http.js';
import { readTextAtMost } from '../util/read-text.js';
import { checkUploadRequest, resolveLimits, type UploadCall, type UploadLimits } from './policy.js';

/** One parameter set the caller asks to have signed, checked and typed. */
export type SignCall = UploadCall & {
  method: 'GET' | 'POST';
  host: string;
  path: string;
  /** The raw parameters that will be signed. */
  raw: Readonly<Record<string, string>>;
};

/** Options of {@link createSigningHandler}. */
export interface SigningHandlerOptions {
  /** The account's SecretId. */
  secretId: string;
  /** Stays on the server: only signatures leave it. */
  secretKey: string;
  /**
   * The app's decision for the whole batch (user, quota, file types…): `true` signs; `false` or a
   * reason string answers 403; throwing answers 401 (the error goes to `onError`, not the caller).
   */
  authorize: (request: Request, calls: readonly SignCall[]) => AuthorizeResult | Promise<AuthorizeResult>;
  /** Parameter sets per request. Default 64, at most 1024. More → 413 `BATCH_TOO_LARGE`. */
  maxBatch?: number;
  /** Bytes of a request body. Default 256 KiB. More → 413 `BODY_TOO_LARGE`. */
  maxBodyBytes?: number;
  /** File size, file type and Region limits, checked on every InitUpload. */
  limits?: UploadLimits;
  /**
   * Hosts it signs for (as the client addresses them, with `:port`). Default: the service's host
   * only (`vod2.qcloud.com`), so a signature is never good for another API. Name the emulator's
   * host (e.g. `127.0.0.1:8787`) to sign for it.
   */
  hosts?: readonly string[];
  /** Paths it signs for. Default `/v2/index.php` and `/v3/index.php`. */
  paths?: readonly string[];
  /** How far a request's `Timestamp` may be from now: no signing for the far future. Default 300 s. */
  timestampWindowSeconds?: number;
  /** The signature algorithm. Default `HmacSHA1`. */
  signatureMethod?: SignatureMethod;
  /** CORS for browsers on another origin. Default: any origin, no credentials. `false`: no CORS headers. */
  cors?: CorsOptions | false;
  /** Called with errors the caller does not see (a throwing `authorize`). */
  onError?: (error: unknown) => void;
  /** Clock in ms (tests). Default `Date.now`. */
  now?: () => number;
}

const METHODS = 'POST, OPTIONS';

function positiveInteger(name: string, value: number | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const resolved = value ?? fallback;
  if (!(Number.isSafeInteger(resolved) && resolved >= 1 && resolved <= max))
    throw new VodArgumentError(name, `an integer from 1 to ${max}`, resolved);
  return resolved;
}

/**
 * Creates the signing endpoint: `POST { requests: [{ method, host, path, params }] }` →
 * `{ signatures: [params with SecretId and Signature] }`. Pair it with `createRemoteSigner`.
 *
 * @example
 * const sign = createSigningHandler({ secretId, secretKey, authorize: (request) => isLoggedIn(request) });
 * export default { fetch: sign };
 */
export function createSigningHandler(options: SigningHandlerOptions): (request: Request) => Promise<Response> {
  const signer = handlerSigner(options);
  const authorize = requireFunction('authorize', options.authorize);
  const maxBatch = positiveInteger('maxBatch', options.maxBatch, SIGNING_LIMITS.maxBatch, SIGNING_LIMITS.hardMaxBatch);
  const maxBodyBytes = positiveInteger('maxBodyBytes', options.maxBodyBytes, SIGNING_LIMITS.maxBodyBytes, 16 * 1024 * 1024);
  const windowSeconds = positiveInteger('timestampWindowSeconds', options.timestampWindowSeconds, 300);
  const limits = resolveLimits(options.limits);
  if (
    options.hosts !== undefined &&
    !(
      Array.isArray(options.hosts) &&
      options.hosts.length > 0 &&
      options.hosts.every((host) => typeof host === 'string' && host.length > 0)
    )
  ) {
    throw new VodArgumentError('hosts', 'a non-empty array of host names (with :port when addressed with one)', options.hosts);
  }
  const hosts = new Set(options.hosts ?? [new URL(DEFAULT_ENDPOINT).host]);
  const paths = new Set<string>(options.paths ?? PROTOCOL_PATHS);
  const cors = resolveCors(options.cors);
  const now = options.now ?? Date.now;

  const reply = (request: Request, status: number, body: unknown): Response => {
    const headers = corsHeaders(request, cors, METHODS);
    headers.set('Content-Type', 'application/json; charset=utf-8');
    headers.set('Cache-Control', 'no-store');
    return new Response(JSON.stringify(body), { status, headers });
  };
  const fail = (
    request: Request,
    status: number,
    code: SigningErrorCodeValue,
    message: string,
    extra: { index?: number; maxBatch?: number } = {},
  ): Response => reply(request, status, { error: { code, message, ...extra } });

  /** Checks one set; a refusal as [status, code, message] otherwise. */
  const checkItem = (item: unknown, index: number): SignCall | [number, SigningErrorCodeValue, string] => {
    const at = `requests[${index}]`;
    const parsed = signItem.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return [400, SigningErrorCode.BadRequest, `${at}.${issue?.path.map(String).join('.') || ''}: ${issue?.message ?? 'invalid'}`];
    }
    const { method, host, path, params }: SignItem = parsed.data;
    if (!paths.has(path))
      return [400, SigningErrorCode.NotAllowed, `${at}.path: ${JSON.stringify(path)} is not a protocol path (${[...paths].join(', ')})`];
    if (!hosts.has(host))
      return [
        400,
        SigningErrorCode.NotAllowed,
        `${at}.host: ${JSON.stringify(host)} is not a host this endpoint signs for (${[...hosts].join(', ')})`,
      ];
    const check = checkUploadRequest(method, params, limits);
    if (!check.ok) {
      const status = check.refusal.code === ErrorCode.AccessDenied ? 403 : 400;
      return [status, status === 403 ? SigningErrorCode.Forbidden : SigningErrorCode.NotAllowed, `${at}: ${check.refusal.message}`];
    }
    const timestamp = commonWireParams.shape.Timestamp.safeParse(params.Timestamp);
    if (!timestamp.success) return [400, SigningErrorCode.BadRequest, `${at}.params.Timestamp: expected Unix seconds`];
    if (Math.abs(timestamp.data * 1000 - now()) > windowSeconds * 1000) {
      return [
        400,
        SigningErrorCode.BadRequest,
        `${at}.params.Timestamp: ${timestamp.data} is more than ${windowSeconds} s from the server's clock (${Math.floor(now() / 1000)})`,
      ];
    }
    if (!commonWireParams.shape.Nonce.safeParse(params.Nonce).success)
      return [400, SigningErrorCode.BadRequest, `${at}.params.Nonce: expected a positive integer`];
    return { ...check.call, method, host, path, raw: params };
  };

  return async (request) => {
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: corsHeaders(request, cors, METHODS) });
    if (request.method !== 'POST')
      return fail(request, 405, SigningErrorCode.MethodNotAllowed, `the signing endpoint takes POST, not ${request.method}`);
    // A caller that goes away mid-body is answered like any bad request: the handler never throws.
    const text = await readTextAtMost(request, maxBodyBytes).catch(() => null);
    if (text === null) return fail(request, 400, SigningErrorCode.BadRequest, 'the request body could not be read');
    if (text === undefined) return fail(request, 413, SigningErrorCode.BodyTooLarge, `request body exceeds ${maxBodyBytes} bytes`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return fail(request, 400, SigningErrorCode.BadRequest, 'request body is not JSON (expected { requests: [...] })');
    }
    const body = signingRequest.safeParse(json);
    if (!body.success)
      return fail(
        request,
        400,
        SigningErrorCode.BadRequest,
        `expected { requests: [{ method, host, path, params }, ...] }: ${body.error.issues[0]?.message ?? 'invalid'}`,
      );
    const items = body.data.requests;
    if (items.length > maxBatch) {
      // The limit travels with the refusal so a remote signer can split its batches to fit.
      return fail(
        request,
        413,
        SigningErrorCode.BatchTooLarge,
        `batch of ${items.length} parameter sets exceeds this endpoint's limit of ${maxBatch}`,
        { maxBatch },
      );
    }
    const calls: SignCall[] = [];
    for (const [index, item] of items.entries()) {
      const checked = checkItem(item, index);
      if (Array.isArray(checked)) return fail(request, checked[0], checked[1], checked[2], { index });
      calls.push(checked);
    }
    const decision = await runAuthorize(() => authorize(request, calls));
    if (!decision.ok && decision.denied) return fail(request, 403, SigningErrorCode.Forbidden, decision.message);
    if (!decision.ok) {
      options.onError?.(decision.error);
      return fail(request, 401, SigningErrorCode.Unauthorized, 'the caller could not be authenticated');
    }
    const signatures = await Promise.all(calls.map(({ method, host, path, raw }) => signer.sign({ method, host, path, params: raw })));
    return reply(request, 200, { signatures });
  };
}
