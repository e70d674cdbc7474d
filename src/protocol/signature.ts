/**
 * The API 2.0 request signature (PROTOCOL.md, "Signature"), over WebCrypto so it runs in every
 * runtime: browsers, Node, Deno, Bun and Cloudflare Workers.
 */
import { VodArgumentError } from './errors.js';

/** The HTTP methods the protocol takes. */
export type HttpMethod = 'GET' | 'POST';
/** The signature algorithms the protocol takes. */
export type SignatureMethod = 'HmacSHA1' | 'HmacSHA256';

/** Everything a signature covers. `params` are the raw (decoded) values, `Signature` excluded. */
export interface SignInput {
  /** The request's HTTP method. */
  method: HttpMethod;
  /** Host as addressed, with `:port` when the URL has one. */
  host: string;
  /** Path, e.g. `/v2/index.php`. */
  path: string;
  /** The parameters to sign, `Signature` excluded. */
  params: Readonly<Record<string, string>>;
}

/**
 * Completes and signs a request's parameters. Implementations add `SecretId` (and
 * `SignatureMethod` when they choose one) before signing, and return every parameter to send,
 * `Signature` included. The SecretKey never leaves the signer, so a browser can use a remote one.
 */
export interface Signer {
  /** Adds `SecretId` (and `SignatureMethod`), signs, and returns every parameter to send. */
  sign(input: SignInput): Promise<Record<string, string>>;
}

/** The method a request asks for: `HmacSHA256` selects SHA-256, anything else HMAC-SHA1. */
export function signatureMethodOf(params: Readonly<Record<string, string>>): SignatureMethod {
  return params.SignatureMethod === 'HmacSHA256' ? 'HmacSHA256' : 'HmacSHA1';
}

/** Orders strings by Unicode code point, which is the byte order of their UTF-8 forms. */
function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const difference = left[i]!.codePointAt(0)! - right[i]!.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

/** `name=value` pairs joined with `&`: names with `_` → `.`, sorted by bytes, raw values. */
export function canonicalQuery(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .filter(([name]) => name !== 'Signature')
    .map(([name, value]) => [name.replaceAll('_', '.'), value] as const)
    .sort(([a], [b]) => compareCodePoints(a, b))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** `&` and `=` (they delimit pairs in the string to sign) and control characters (C0, DEL, C1). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
const AMBIGUOUS = /[&=\u0000-\u001f\u007f-\u009f]/;

/**
 * The first parameter that cannot be signed without ambiguity (`name`, and a `message` saying
 * why), or `undefined` when every one can. The string to sign joins raw `name=value` pairs with
 * `&`, so a value holding `&Action=…` would make one signature cover another request.
 */
export function ambiguousParam(params: Readonly<Record<string, string>>): { name: string; message: string } | undefined {
  for (const [name, value] of Object.entries(params)) {
    const shown = name.slice(0, 64);
    if (AMBIGUOUS.test(name))
      return { name: shown, message: `parameter name ${JSON.stringify(shown)} holds & or = or a control character` };
    if (typeof value !== 'string') return { name: shown, message: `${shown}: expected a string value` };
    const found = AMBIGUOUS.exec(value);
    if (found)
      return { name: shown, message: `${shown}: holds ${JSON.stringify(found[0])}, which would make the signature cover another request` };
  }
  return undefined;
}

/** The plain text that is signed: `METHOD + host + path + "?" + canonicalQuery`. */
export function stringToSign(input: SignInput): string {
  return `${input.method.toUpperCase()}${input.host}${input.path}?${canonicalQuery(input.params)}`;
}

const encoder = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Imports an HMAC key once; the returned function signs many strings with it. */
export function hmacBase64(secretKey: string, method: SignatureMethod): (plain: string) => Promise<string> {
  const hash = method === 'HmacSHA256' ? 'SHA-256' : 'SHA-1';
  // Stryker disable next-line BooleanLiteral: extractable or not, the key never leaves this closure, so nothing can tell.
  const key = crypto.subtle.importKey('raw', encoder.encode(secretKey), { name: 'HMAC', hash }, false, ['sign']);
  return async (plain) => toBase64(new Uint8Array(await crypto.subtle.sign('HMAC', await key, encoder.encode(plain))));
}

/** Computes `Signature` for a request with the given key (method from `params.SignatureMethod`). */
export function computeSignature(input: SignInput, secretKey: string): Promise<string> {
  return hmacBase64(secretKey, signatureMethodOf(input.params))(stringToSign(input));
}

/**
 * Compares two strings in time that depends only on their lengths, so a forger cannot learn a
 * signature byte by byte from response times.
 */
export function timingSafeEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  let difference = left.length ^ right.length;
  // Stryker disable next-line MethodExpression: unequal lengths already differ through the length XOR; these change only the time taken.
  const length = Math.max(left.length, right.length);
  // Stryker disable next-line EqualityOperator: index `length` reads past both ends, 0 ^ 0.
  for (let i = 0; i < length; i++) difference |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return difference === 0;
}

/** Options of {@link createSecretSigner}. */
export interface SecretSignerOptions {
  /** The account's SecretId. */
  secretId: string;
  /** The account's SecretKey (server side only). */
  secretKey: string;
  /** Defaults to `HmacSHA1`, the protocol's default; `HmacSHA256` adds `SignatureMethod`. */
  signatureMethod?: SignatureMethod;
}

/**
 * A {@link Signer} that holds the SecretKey itself. For servers, scripts and edge proxies only:
 * never ship a SecretKey to a browser (use a remote signer or the upload proxy there).
 */
export function createSecretSigner(options: SecretSignerOptions): Signer {
  if (typeof options?.secretId !== 'string' || options.secretId.length === 0) {
    throw new VodArgumentError('secretId', 'a non-empty string', options?.secretId);
  }
  if (typeof options.secretKey !== 'string' || options.secretKey.length === 0) {
    throw new VodArgumentError('secretKey', 'a non-empty string');
  }
  const method = options.signatureMethod ?? 'HmacSHA1';
  if (method !== 'HmacSHA1' && method !== 'HmacSHA256') {
    throw new VodArgumentError('signatureMethod', '"HmacSHA1" or "HmacSHA256"', method);
  }
  // One imported key per method: a caller may still ask for the other one through its params.
  const hmacs = new Map<SignatureMethod, (plain: string) => Promise<string>>();
  return {
    async sign(input) {
      // Refused, never signed: such a signature would also be good for another request.
      const ambiguous = ambiguousParam(input.params);
      if (ambiguous)
        throw new VodArgumentError(
          `params.${ambiguous.name}`,
          'no &, = or control character (the string to sign joins raw values)',
          input.params[ambiguous.name],
        );
      const params: Record<string, string> = { ...input.params, SecretId: options.secretId };
      if (method === 'HmacSHA256') params.SignatureMethod = method;
      delete params.Signature;
      const used = signatureMethodOf(params);
      let hmac = hmacs.get(used);
      // Stryker disable next-line ConditionalExpression: importing the key again signs the same; this only saves the import.
      if (!hmac) hmacs.set(used, (hmac = hmacBase64(options.secretKey, used)));
      params.Signature = await hmac(stringToSign({ ...input, params }));
      return params;
    },
  };
}
