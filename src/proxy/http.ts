/**
 * HTTP plumbing shared by the signing handler and the upload proxy: CORS, the app's `authorize`
 * hook, and option checks. Web standards only, so both run on workerd, Deno, Bun and Node.
 */
import { createSecretSigner, VodArgumentError, type SignatureMethod, type Signer } from '../protocol/index.js';

/** Cross-origin access for browsers. */
export interface CorsOptions {
  /** Origins allowed to call, e.g. `['https://app.example']`, or `'*'` (any). Default `'*'`. */
  origins?: '*' | readonly string[];
  /** Let browsers send cookies (`credentials: 'include'`). Needs explicit `origins`. Default false. */
  credentials?: boolean;
  /** How long a preflight answer may be cached, in seconds. Default 600. */
  maxAgeSeconds?: number;
}

export interface ResolvedCors {
  origins: '*' | ReadonlySet<string>;
  credentials: boolean;
  maxAgeSeconds: number;
}

/** Validates CORS options; `false` turns CORS headers off (same-origin deployments). */
export function resolveCors(cors: CorsOptions | false | undefined): ResolvedCors | undefined {
  if (cors === false) return undefined;
  const options = cors ?? {};
  const origins = options.origins ?? '*';
  if (
    origins !== '*' &&
    !(Array.isArray(origins) && origins.every((origin) => typeof origin === 'string' && /^https?:\/\/[^/\s]+$/.test(origin)))
  ) {
    throw new VodArgumentError('cors.origins', '"*" or an array of origins like "https://app.example"', origins);
  }
  const credentials = options.credentials ?? false;
  if (credentials && origins === '*')
    throw new VodArgumentError('cors.credentials', 'explicit cors.origins (browsers refuse credentials with "*")', origins);
  const maxAgeSeconds = options.maxAgeSeconds ?? 600;
  if (!(Number.isInteger(maxAgeSeconds) && maxAgeSeconds >= 0))
    throw new VodArgumentError('cors.maxAgeSeconds', 'an integer ≥ 0', maxAgeSeconds);
  return { origins: origins === '*' ? '*' : new Set(origins), credentials, maxAgeSeconds };
}

/** CORS headers for a response to `request` (none when the origin is not allowed). */
export function corsHeaders(request: Request, cors: ResolvedCors | undefined, methods: string): Headers {
  const headers = new Headers();
  if (!cors) return headers;
  const origin = request.headers.get('Origin');
  if (cors.origins === '*') headers.set('Access-Control-Allow-Origin', '*');
  else if (origin !== null && cors.origins.has(origin)) {
    headers.set('Access-Control-Allow-Origin', origin);
    headers.set('Vary', 'Origin');
    if (cors.credentials) headers.set('Access-Control-Allow-Credentials', 'true');
  } else return headers;
  headers.set('Access-Control-Allow-Methods', methods);
  const asked = request.headers.get('Access-Control-Request-Headers');
  // Echo what the browser asks for (bounded): headers only reach the app's authorize hook.
  headers.set('Access-Control-Allow-Headers', asked && asked.length <= 1024 ? asked : 'Content-Type, Authorization');
  headers.set('Access-Control-Max-Age', String(cors.maxAgeSeconds));
  return headers;
}

/**
 * The app's decision: `true` allows; `false` refuses ("access denied"); a string refuses with
 * that reason (shown to the caller). Throwing means the caller could not be authenticated: the
 * error is not shown to the caller, only passed to `onError`.
 */
export type AuthorizeResult = boolean | string;

export type AuthorizeOutcome = { ok: true } | { ok: false; denied: true; message: string } | { ok: false; denied: false; error: unknown };

/** Runs an authorize hook, turning its answer (or its exception) into an outcome. */
export async function runAuthorize(run: () => AuthorizeResult | Promise<AuthorizeResult>): Promise<AuthorizeOutcome> {
  let result: AuthorizeResult;
  try {
    result = await run();
  } catch (error) {
    return { ok: false, denied: false, error };
  }
  if (result === true) return { ok: true };
  if (typeof result === 'string' && result.length > 0) return { ok: false, denied: true, message: result.slice(0, 512) };
  return { ok: false, denied: true, message: 'access denied' };
}

/** Checks a required credential option. */
export function requireString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new VodArgumentError(name, 'a non-empty string', name === 'secretKey' ? undefined : value);
  return value;
}

export function requireFunction<F>(name: string, value: F): F {
  if (typeof value !== 'function') throw new VodArgumentError(name, 'a function', value);
  return value;
}

/** Both handlers hold the credentials themselves: checks the options and makes their signer. */
export function handlerSigner(
  options: { secretId: string; secretKey: string; signatureMethod?: SignatureMethod | undefined } | undefined,
): Signer {
  if (!options || typeof options !== 'object')
    throw new VodArgumentError('options', 'an object with secretId, secretKey and authorize', options);
  return createSecretSigner({
    secretId: requireString('secretId', options.secretId),
    secretKey: requireString('secretKey', options.secretKey),
    ...(options.signatureMethod ? { signatureMethod: options.signatureMethod } : {}),
  });
}
