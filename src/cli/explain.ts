/**
 * Failures as a person reads them: a refused connection or a failed DNS lookup names the host and
 * the system error (`cannot connect to 127.0.0.1:9 (ECONNREFUSED)`), not "fetch failed"; and which
 * failures say the endpoint itself is wrong or unreachable, so the run stops early. Pure.
 */
import { ClientErrorCode, ErrorCode, VodError } from '../protocol/index.js';

/** System errors that mean "the host cannot be reached at all". */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ERR_INVALID_URL',
]);

const SYSTEM_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed for now',
  EAI_NONAME: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ETIMEDOUT: 'connect timed out',
  UND_ERR_SOCKET: 'connection closed by the server',
};

/** What the cause chain of a network failure says: the system error code and where it went. */
export interface SystemFailure {
  code: string;
  /** `host:port` or host, when the error names it. */
  where: string | undefined;
}

/** The first system error (an `E…` or undici code) in `error`'s cause chain, with the host it names. */
export function systemFailure(error: unknown): SystemFailure | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth += 1) {
    const node = current as {
      code?: unknown;
      address?: unknown;
      port?: unknown;
      hostname?: unknown;
      message?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (typeof node.code === 'string' && /^(E[A-Z_]+|UND_ERR_[A-Z_]+)$/.test(node.code)) {
      const host = typeof node.address === 'string' ? node.address : typeof node.hostname === 'string' ? node.hostname : undefined;
      const where = host === undefined ? undefined : typeof node.port === 'number' ? `${host}:${node.port}` : host;
      return { code: node.code, where };
    }
    // fetch refuses some ports outright ("bad port"), before any connection.
    if (node.message === 'bad port') return { code: 'BAD_PORT', where: undefined };
    // Happy-eyeballs failures (IPv4 and IPv6 both tried) come as an AggregateError.
    current = Array.isArray(node.errors) && node.errors.length > 0 ? node.errors[0] : node.cause;
  }
  return undefined;
}

/** `host:port` of an endpoint URL, for messages. */
export function endpointHost(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return url.port ? `${url.hostname}:${url.port}` : url.hostname;
  } catch {
    return endpoint;
  }
}

/**
 * The message to show for `error`: a network failure says what the system said and where
 * (`InitUpload: cannot connect to 127.0.0.1:9 (ECONNREFUSED: connection refused)`); a page that
 * is not JSON says its HTTP status; anything else keeps its own message.
 */
export function explainError(error: unknown, endpoint: string): string {
  if (!(error instanceof VodError)) return error instanceof Error ? error.message : String(error);
  const action = error.action ? `${error.action}: ` : '';
  if (error.code === ClientErrorCode.Network) {
    const system = systemFailure(error);
    if (system?.code === 'BAD_PORT')
      return `${action}fetch refuses to connect to port ${new URL(endpoint).port} of ${endpointHost(endpoint)} (a blocked port)`;
    if (system) {
      const text = SYSTEM_TEXT[system.code];
      return `${action}cannot connect to ${system.where ?? endpointHost(endpoint)} (${system.code}${text ? `: ${text}` : ''})`;
    }
    return `${action}network failure talking to ${endpointHost(endpoint)} (${error.message.replace(/^[A-Za-z]+: network failure \((.*)\)$/, '$1')})`;
  }
  if (error.code === ClientErrorCode.NotJson && error.status !== undefined && !error.message.includes(String(error.status))) {
    return `${error.message} (HTTP ${error.status})`;
  }
  return error.message;
}

/** True when the host could not be reached at all (refused, no such host, no route). */
export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof VodError) || error.code !== ClientErrorCode.Network) return false;
  const system = systemFailure(error);
  return system !== undefined && (UNREACHABLE.has(system.code) || system.code === 'BAD_PORT');
}

/**
 * An answer that is no VOD service at all: a 4xx page, or a web page (HTML) instead of the
 * protocol's JSON. A 2xx answer that starts as JSON and breaks off is a transient fault worth a
 * retry, not a wrong endpoint.
 */
export function isWrongEndpoint(error: unknown): boolean {
  if (!(error instanceof VodError) || error.code !== ClientErrorCode.NotJson || error.status === undefined) return false;
  if (error.status >= 400 && error.status < 500) return true;
  return error.status < 400 && (error.body ?? '').trimStart().startsWith('<');
}

/** Protocol codes that hold for every file at this endpoint and account (keys, access, service state). */
const ACCOUNT_CODES: ReadonlySet<number> = new Set([
  ErrorCode.CommonParams,
  ErrorCode.Signature,
  ErrorCode.AuthFailed,
  ErrorCode.UnknownSecretId,
  ErrorCode.AccessDenied,
  ErrorCode.UnsupportedAction,
  ErrorCode.Maintenance,
]);

/**
 * True when a failure of one file (its error code) says every other file would fail the same way
 * at this endpoint: unreachable, no answer, not the protocol, or keys the service refuses.
 */
export function failsEveryFile(code: number | string | undefined): boolean {
  if (typeof code === 'number') return ACCOUNT_CODES.has(code);
  const endpointCodes: readonly (string | undefined)[] = [
    ClientErrorCode.Network,
    ClientErrorCode.Timeout,
    ClientErrorCode.NotJson,
    ClientErrorCode.BadAnswer,
  ];
  return endpointCodes.includes(code);
}
