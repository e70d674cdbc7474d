/**
 * The protocol's error codes (PROTOCOL.md, "Errors") and the one error type the library throws
 * for anything that went wrong talking to the service.
 */

/** Upload actions of the protocol. */
export type VodAction = 'InitUpload' | 'UploadPart' | 'FinishUpload';

/** Codes the service (and the emulator) answer with. */
export const ErrorCode = {
  /** Common parameters wrong (Action, Region, Timestamp, Nonce, SecretId, Signature). */
  CommonParams: -10001,
  /** Signature does not verify. */
  Signature: -10002,
  /** A protocol parameter is missing or out of its constraint; Finish with parts missing. */
  ProtocolParams: -10003,
  /** Writing the cache failed (storage). Retry. */
  CacheWrite: -10004,
  /** Reading the cache failed: no session for this fileSha, or storage read failed. */
  CacheRead: -10005,
  /** Body invalid: length or MD5 mismatch (retry), assembled SHA-1 mismatch (don't). */
  BodyInvalid: -10006,
  ParamError: 4000,
  AuthFailed: 4100,
  UnknownSecretId: 4104,
  AccessDenied: 4300,
  RateLimited: 4400,
  /** Nonce reused or Timestamp outside the window: re-sign and send again. */
  ReplayOrClock: 4500,
  ResourceMissing: 5000,
  OperationFailed: 5100,
  Internal: 6000,
  UnsupportedAction: 6100,
  Maintenance: 6200,
} as const;

/** Codes this library produces itself, for failures that never got a protocol answer. */
export const ClientErrorCode = {
  /** The request did not reach the service or the connection broke. */
  Network: 'NETWORK',
  /** No answer within the per-request timeout. */
  Timeout: 'TIMEOUT',
  /** The answer was not JSON (e.g. an HTML error page from a proxy). */
  NotJson: 'NOT_JSON',
  /** The answer was JSON but broke the protocol's schema. */
  BadAnswer: 'BAD_ANSWER',
  /** The caller aborted. */
  Aborted: 'ABORTED',
  /** Bad input given to the library; nothing was sent. */
  InvalidArgument: 'INVALID_ARGUMENT',
  /** The file could not be read (removed, changed while reading, no permission). */
  Source: 'SOURCE',
  /** A failure outside the protocol that the library did not expect (see `cause`). */
  Unexpected: 'UNEXPECTED',
} as const;

/** One of the {@link ClientErrorCode} values. */
export type ClientErrorCodeValue = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** What each protocol code means, for messages. */
export const errorDescriptions: Readonly<Record<number, string>> = {
  [-10001]: 'common parameters wrong',
  [-10002]: 'signature wrong',
  [-10003]: 'protocol parameters wrong',
  [-10004]: 'writing the cache failed',
  [-10005]: 'reading the cache failed',
  [-10006]: 'body invalid',
  4000: 'parameter error',
  4100: 'authentication failed',
  4104: 'unknown SecretId',
  4300: 'access denied',
  4400: 'rate limit exceeded',
  4500: 'Nonce reused or Timestamp outside the window',
  5000: 'resource missing',
  5100: 'operation failed',
  6000: 'internal error',
  6100: 'unsupported action',
  6200: 'maintenance',
};

export interface VodErrorInit {
  /** The protocol code, or one of {@link ClientErrorCode}. */
  code: number | ClientErrorCodeValue;
  /** The error message. */
  message: string;
  /** Whether the same request may succeed if sent again. */
  canRetry: boolean;
  /** The action whose request failed. */
  action?: VodAction | undefined;
  /** The service's `codeDesc`. */
  codeDesc?: string | undefined;
  /** The HTTP status of the answer. */
  status?: number | undefined;
  /** A bounded excerpt of what came back, for diagnosis. */
  body?: string | undefined;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * Everything that goes wrong between this library and the service: a protocol answer with a
 * negative/public error code, or a client-side failure (network, timeout, unreadable answer).
 *
 * `canRetry` says whether sending the same request again can succeed.
 */
export class VodError extends Error {
  /** Always `VodError` (subclasses keep it: test with `instanceof`). */
  override readonly name = 'VodError';
  /** The protocol's `code` (a number), or one of {@link ClientErrorCode}. */
  readonly code: number | ClientErrorCodeValue;
  /** Whether sending the same request again can succeed. */
  readonly canRetry: boolean;
  /** The action that failed, when the error came from a request. */
  readonly action: VodAction | undefined;
  /** The service's `codeDesc`. */
  readonly codeDesc: string;
  /** HTTP status of the answer, when there was one. */
  readonly status: number | undefined;
  /** A bounded excerpt of the answer's text, when it could not be understood. */
  readonly body: string | undefined;

  /** Creates the error from its fields. */
  constructor(init: VodErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.canRetry = init.canRetry;
    this.action = init.action;
    this.codeDesc = init.codeDesc ?? '';
    this.status = init.status;
    this.body = init.body;
  }
}

/** Thrown for bad input to the library, before any request: names the parameter and what was expected. */
export class VodArgumentError extends VodError {
  /** The parameter that was wrong, e.g. `partSize`. */
  readonly parameter: string;
  /** Creates the error: `Invalid <parameter>: expected <expected>, got <received>`. */
  constructor(parameter: string, expected: string, received?: unknown) {
    const got = received === undefined ? '' : `, got ${describe(received)}`;
    super({
      code: ClientErrorCode.InvalidArgument,
      message: `Invalid ${parameter}: expected ${expected}${got}`,
      canRetry: false,
    });
    this.parameter = parameter;
  }
}

/** True for errors caused by an abort (ours or a DOMException from fetch). */
export function isAbortError(error: unknown): boolean {
  if (error instanceof VodError) return error.code === ClientErrorCode.Aborted;
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/** Names whose values never appear in messages: a misplaced credentials object must not leak. */
const SECRET_NAME = /secret|key|token|password|signature|authorization/i;

/** A short, bounded rendering of a value for error messages, with secret-looking fields redacted. */
export function describe(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'bigint') text = `${value}n`;
  // Stryker disable next-line ConditionalExpression: without this test null takes the JSON branch, which also prints null.
  else if (value === null || typeof value !== 'object') text = String(value);
  else {
    try {
      text =
        // Stryker disable next-line ConditionalExpression,StringLiteral: the root's key is '', which SECRET_NAME never matches.
        JSON.stringify(value, (name, field: unknown) => (name !== '' && SECRET_NAME.test(name) ? '[redacted]' : field)) ??
        Object.prototype.toString.call(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
