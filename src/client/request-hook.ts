/**
 * The `beforeRequest` hook: a look at each request just before it is sent, to add headers (a
 * trace id, a proxy token). It sees the request after signing and can change only its headers:
 * the URL, the signed parameters and the body are not its to change, so it is never a way to
 * skip or alter the signature.
 */
import type { VodAction } from '../protocol/errors.js';

/** A request about to be sent, as {@link BeforeRequestHook} sees it. */
export interface OutgoingRequest {
  /** The protocol action. */
  readonly action: VodAction;
  /** The signed URL it goes to (read-only: the signature covers its query). */
  readonly url: string;
  /** The signed parameters (a frozen copy: changing them changes nothing). */
  readonly params: Readonly<Record<string, string>>;
  /**
   * The HTTP headers to send: add or change any. `content-type` and `content-length` are the
   * library's own and are set again after the hook.
   */
  readonly headers: Headers;
}

/**
 * Called before every request, retries included (each retry is signed anew and seen again). A
 * hook that throws fails that request without a retry.
 *
 * @example
 * beforeRequest: (request) => request.headers.set('x-trace-id', `${traceId}-${request.action}`)
 */
export type BeforeRequestHook = (request: OutgoingRequest) => void | Promise<void>;

/** Runs the hook on a request's headers; the library's own headers are put back afterwards. */
export async function applyBeforeRequest(
  hook: BeforeRequestHook | undefined,
  action: VodAction,
  url: string,
  params: Record<string, string>,
  headers: Headers,
): Promise<void> {
  if (!hook) return;
  await hook({ action, url, params: Object.freeze({ ...params }), headers });
  headers.set('content-type', 'application/octet-stream');
  headers.delete('content-length');
}
