/**
 * How the emulator answers: the protocol's JSON envelope (always HTTP 200), plain-text HTTP errors
 * for everything outside the protocol, and the CORS headers browsers need on all of them.
 */
import { errorDescriptions } from '../protocol/index.js';

/** A protocol answer before it is written: the envelope plus action-specific fields. */
export interface Answer {
  code: number;
  message: string;
  canRetry: 0 | 1;
  [field: string]: unknown;
}

/** CORS headers for every response: the API is called cross-origin from browsers. */
export function corsHeaders(request?: Request): Headers {
  const headers = new Headers({
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': 'GET, POST, HEAD, OPTIONS, DELETE',
    'Access-Control-Expose-Headers': 'Content-Length, Content-Range, Accept-Ranges, ETag',
    'Access-Control-Max-Age': '600',
  });
  const asked = request?.headers.get('Access-Control-Request-Headers');
  // Echo what the browser asks for (bounded); the emulator reads no header it would need to protect.
  headers.set('Access-Control-Allow-Headers', asked && asked.length <= 1024 ? asked : 'Content-Type, Range');
  if (request?.headers.get('Access-Control-Request-Private-Network') === 'true') {
    headers.set('Access-Control-Allow-Private-Network', 'true');
  }
  return headers;
}

/** Builds the protocol answer's object with `codeDesc` filled in. */
export function answer(code: number, message: string, canRetry: 0 | 1, fields: Record<string, unknown> = {}): Answer {
  return { code, message, canRetry, ...fields };
}

const SUCCESS_CODES = new Set([0, 1, 2]);

/**
 * Writes an answer as JSON text. With `numericFileId`, `fileId` goes out as a bare JSON number
 * (digits unchanged), as some servers do, so clients can be tested on recovering it.
 */
export function answerText(value: Answer, numericFileId = false): string {
  const codeDesc = SUCCESS_CODES.has(value.code) ? 'Success' : (errorDescriptions[value.code] ?? 'error');
  const { code, message, canRetry, ...rest } = value;
  const text = JSON.stringify({ code, message, codeDesc, canRetry, ...rest });
  if (!numericFileId || typeof value.fileId !== 'string' || !/^[0-9]+$/.test(value.fileId)) return text;
  return text.replace(`"fileId":"${value.fileId}"`, `"fileId":${value.fileId}`);
}

/** The text bodies of the answers built here, so a server can write them without reading the body stream back. */
const plainBodies = new WeakMap<Response, string>();

/** A text answer built here, with its body as given (undefined once anything read the body, or for other responses). */
export function plainBodyOf(response: Response): string | undefined {
  return response.bodyUsed ? undefined : plainBodies.get(response);
}

const plain = (text: string, status: number, headers: Headers): Response => {
  const response = new Response(text, { status, headers });
  plainBodies.set(response, text);
  return response;
};

export function jsonResponse(text: string, request?: Request, extra?: HeadersInit): Response {
  const headers = corsHeaders(request);
  headers.set('Content-Type', 'application/json; charset=utf-8');
  // `no-cache`, not `no-store`: the same for a POST answer, and Chromium reports every answered
  // `no-store` request as net::ERR_ABORTED in DevTools, hiding real failures among false ones.
  headers.set('Cache-Control', 'no-cache');
  if (extra) for (const [name, value] of new Headers(extra)) headers.set(name, value);
  return plain(text, 200, headers);
}

/** A non-protocol HTTP answer (404, 405, 416, ...) as plain text. */
export function textResponse(status: number, text: string, request?: Request, extra?: HeadersInit): Response {
  const headers = corsHeaders(request);
  headers.set('Content-Type', 'text/plain; charset=utf-8');
  if (extra) for (const [name, value] of new Headers(extra)) headers.set(name, value);
  return plain(text, status, headers);
}

/** The answer to a CORS preflight. */
export function preflightResponse(request: Request): Response {
  return new Response(null, { status: 204, headers: corsHeaders(request) });
}
