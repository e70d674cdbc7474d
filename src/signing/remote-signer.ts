/**
 * `createRemoteSigner`: a {@link Signer} for browsers. The SecretKey stays on a server behind
 * `createSigningHandler`; this signer sends it the parameter sets to sign, coalescing every
 * `sign()` call made before the next timer tick (plus an optional window) into one request.
 */
import { isRetryable, withRetry, type RetryOptions } from '../util/retry.js';
import { ClientErrorCode, ErrorCode, VodArgumentError, VodError, type VodAction } from '../protocol/errors.js';
import type { SignInput, Signer } from '../protocol/signature.js';
import { readTextAtMost } from '../util/read-text.js';
import { SIGNING_LIMITS } from './limits.js';

/** The answer's schemas (zod), imported with the first answer: a page that never signs does not load them. */
let schemas: Promise<typeof import('./schema.js')> | undefined;
const loadSchemas = (): Promise<typeof import('./schema.js')> => (schemas ??= import('./schema.js'));

/**
 * Signatures for other parameters than asked (BAD_ANSWER) say the endpoint disagrees with us, not
 * that something broke in transit: asking again cannot help, unlike a garbled service answer.
 */
function signingRetryable(error: unknown): boolean {
  return !(error instanceof VodError && error.code === ClientErrorCode.BadAnswer) && isRetryable(error);
}

/** Options of {@link createRemoteSigner}. */
export interface RemoteSignerOptions {
  /** The signing endpoint (`createSigningHandler`), absolute or relative to the page. */
  url: string | URL;
  /** Headers for every signing request (e.g. `Authorization`), or a function called per request. */
  headers?: HeadersInit | (() => HeadersInit | Promise<HeadersInit>);
  /** Cookies: `'same-origin'` (default), `'include'` for a signing endpoint on another origin, `'omit'`. */
  credentials?: RequestCredentials;
  /** A fetch implementation. Default the global one. */
  fetch?: typeof fetch;
  /** Parameter sets per request (match the endpoint's `maxBatch`). Default 64. */
  maxBatch?: number;
  /** Extra time to gather `sign()` calls before sending, in ms. Default 0 (the next timer tick). */
  windowMs?: number;
  /** Retries of network failures, timeouts and 5xx answers. Default: the client's policy (5 retries). */
  retry?: RetryOptions;
  /** Per-request timeout. Default 30 000 ms. */
  timeoutMs?: number;
}

/** Counters, to see how many round trips signing cost. */
export interface RemoteSignerStats {
  /** `sign()` calls answered. */
  signed: number;
  /** Batches sent (each one request, plus its retries). */
  batches: number;
  /** HTTP requests made, retries included. */
  requests: number;
}

/** A {@link Signer} that asks a signing endpoint, batching concurrent calls. */
export interface RemoteSigner extends Signer {
  /** Round trips so far. */
  readonly stats: Readonly<RemoteSignerStats>;
}

interface Pending {
  input: SignInput;
  resolve: (params: Record<string, string>) => void;
  reject: (error: unknown) => void;
}

const ANSWER_LIMIT = 4 * 1024 * 1024;

function actionOf(input: SignInput): VodAction | undefined {
  const action = input.params.Action;
  return action === 'InitUpload' || action === 'UploadPart' || action === 'FinishUpload' ? action : undefined;
}

/** The protocol code a refusal of the signing endpoint maps to, so callers branch on one error type. */
function codeForStatus(status: number): number {
  if (status === 401) return ErrorCode.AuthFailed;
  if (status === 403) return ErrorCode.AccessDenied;
  if (status === 429) return ErrorCode.RateLimited;
  if (status >= 500) return ErrorCode.Internal;
  return ErrorCode.ParamError;
}

/** Why the signed sets do not answer the batch, or undefined when they do (same count, same params). */
function mismatch(batch: readonly SignInput[], signatures: readonly Record<string, string>[]): string | undefined {
  if (signatures.length !== batch.length) return `${signatures.length} signatures for ${batch.length} parameter sets`;
  for (const [i, input] of batch.entries()) {
    for (const [name, value] of Object.entries(input.params)) {
      if (name !== 'SecretId' && signatures[i]![name] !== value) return `signature ${i} changed ${name}`;
    }
  }
  return undefined;
}

/**
 * Creates a signer that asks a signing endpoint for signatures.
 *
 * @example
 * const signer = createRemoteSigner({ url: '/api/vod-sign', headers: () => ({ Authorization: `Bearer ${token()}` }) });
 * upload(file, { endpoint: 'https://vod2.qcloud.com/v2/index.php', signer });
 */
/** The endpoint refused a batch as too large; `limit` is what it accepts. Handled inside the signer. */
class BatchTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`batch too large; the endpoint accepts ${limit}`);
  }
}

/** A signer for browsers: it sends parameter sets to your signing endpoint (`createSigningHandler`) and never holds a SecretKey. */
export function createRemoteSigner(options: RemoteSignerOptions): RemoteSigner {
  if (!options || typeof options !== 'object') throw new VodArgumentError('options', 'an object with url', options);
  const url = options.url instanceof URL ? options.url.href : options.url;
  if (typeof url !== 'string' || url.length === 0) throw new VodArgumentError('url', 'the signing endpoint URL', options.url);
  let maxBatch = options.maxBatch ?? SIGNING_LIMITS.maxBatch;
  if (!(Number.isInteger(maxBatch) && maxBatch >= 1 && maxBatch <= SIGNING_LIMITS.hardMaxBatch)) {
    throw new VodArgumentError('maxBatch', `an integer from 1 to ${SIGNING_LIMITS.hardMaxBatch}`, maxBatch);
  }
  const windowMs = options.windowMs ?? 0;
  if (!(Number.isFinite(windowMs) && windowMs >= 0)) throw new VodArgumentError('windowMs', 'a number of ms ≥ 0', windowMs);
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new VodArgumentError('timeoutMs', 'a positive number of ms', timeoutMs);
  if (options.fetch !== undefined && typeof options.fetch !== 'function')
    throw new VodArgumentError('fetch', 'a fetch function', options.fetch);
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const stats: RemoteSignerStats = { signed: 0, batches: 0, requests: 0 };
  let pending: Pending[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const fail = (
    input: SignInput,
    code: number | (typeof ClientErrorCode)[keyof typeof ClientErrorCode],
    message: string,
    canRetry: boolean,
    extra: { status?: number; body?: string; cause?: unknown } = {},
  ): VodError => new VodError({ code, message: `signing endpoint ${url}: ${message}`, canRetry, action: actionOf(input), ...extra });

  /** One HTTP attempt for a batch; resolves with the signed sets in order. */
  const attempt = async (batch: readonly SignInput[]): Promise<Record<string, string>[]> => {
    const first = batch[0]!;
    const headers = new Headers(typeof options.headers === 'function' ? await options.headers() : options.headers);
    headers.set('Content-Type', 'application/json');
    stats.requests += 1;
    let status: number;
    let read: string | undefined;
    try {
      const response = await doFetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ requests: batch }),
        credentials: options.credentials ?? 'same-origin',
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      read = await readTextAtMost(response, ANSWER_LIMIT);
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      if (timedOut) return Promise.reject(fail(first, ClientErrorCode.Timeout, `no answer within ${timeoutMs} ms`, true, { cause: error }));
      const reason = error instanceof Error ? error.message : String(error);
      return Promise.reject(fail(first, ClientErrorCode.Network, `network failure (${reason})`, true, { cause: error }));
    }
    // A server sending more than the limit is not speaking this protocol: asking again won't help.
    if (read === undefined)
      throw fail(first, ClientErrorCode.BadAnswer, `answer exceeds the ${ANSWER_LIMIT}-byte limit`, false, { status });
    const text = read;
    const { signingError, SigningErrorCode, signingResponse } = await loadSchemas();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw fail(first, ClientErrorCode.NotJson, `the answer was not JSON (HTTP ${status})`, status >= 500 || status === 429, {
        status,
        body: text.slice(0, 200),
        cause,
      });
    }
    if (status !== 200) {
      const refusal = signingError.safeParse(json);
      if (status === 413 && refusal.success && refusal.data.error.code === SigningErrorCode.BatchTooLarge && batch.length > 1) {
        throw new BatchTooLarge(refusal.data.error.maxBatch ?? Math.ceil(batch.length / 2));
      }
      const detail = refusal.success ? `${refusal.data.error.code}: ${refusal.data.error.message}` : text.slice(0, 200);
      throw fail(first, codeForStatus(status), `refused to sign (HTTP ${status} ${detail})`, status >= 500 || status === 429, {
        status,
        body: text.slice(0, 200),
      });
    }
    const answer = signingResponse.safeParse(json);
    const broken = answer.success ? mismatch(batch, answer.data.signatures) : (answer.error.issues[0]?.message ?? 'invalid');
    if (!answer.success || broken !== undefined) {
      throw fail(first, ClientErrorCode.BadAnswer, `the answer broke the signing protocol (${broken})`, false, {
        status,
        body: text.slice(0, 200),
      });
    }
    const signatures = answer.data.signatures;
    return signatures;
  };

  const send = (batch: Pending[]): void => {
    stats.batches += 1;
    const inputs = batch.map((item) => item.input);
    withRetry(() => attempt(inputs), { ...options.retry, retryable: signingRetryable }).then(
      (signatures) => {
        stats.signed += batch.length;
        batch.forEach((item, i) => {
          item.resolve(signatures[i]!);
        });
      },
      (error: unknown) => {
        if (error instanceof BatchTooLarge) {
          // The endpoint signs fewer per request than we assumed: adopt its limit and resend.
          maxBatch = Math.max(1, Math.min(error.limit, batch.length - 1));
          for (let i = 0; i < batch.length; i += maxBatch) send(batch.slice(i, i + maxBatch));
          return;
        }
        // Each caller gets the error under its own action.
        for (const item of batch) {
          item.reject(
            error instanceof VodError && !(error instanceof VodArgumentError) && error.action !== actionOf(item.input)
              ? new VodError({
                  code: error.code,
                  message: error.message,
                  canRetry: error.canRetry,
                  action: actionOf(item.input),
                  codeDesc: error.codeDesc,
                  status: error.status,
                  body: error.body,
                  cause: error.cause,
                })
              : error,
          );
        }
      },
    );
  };

  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const all = pending;
    pending = [];
    for (let i = 0; i < all.length; i += maxBatch) send(all.slice(i, i + maxBatch));
  };

  return {
    stats,
    sign(input) {
      if (!input || typeof input !== 'object' || !input.params || typeof input.host !== 'string' || typeof input.path !== 'string') {
        return Promise.reject(new VodArgumentError('input', '{ method, host, path, params }', input));
      }
      const { method, host, path } = input;
      const params = { ...input.params };
      delete params.Signature;
      return new Promise<Record<string, string>>((resolve, reject) => {
        pending.push({ input: { method, host, path, params }, resolve, reject });
        if (pending.length >= maxBatch) flush();
        else if (timer === undefined) timer = setTimeout(flush, windowMs);
      });
    },
  };
}
