/**
 * "Cut this connection": a web-standard handler cannot reset a socket, so it returns a marked
 * Response and the server that can (the Node server in server.ts) does it instead. Any other
 * server gets a body that errors at once, which makes it abort the answer half-way: the closest
 * a `(Request) => Response` handler gets to a reset.
 */

const marked = new WeakSet<Response>();

/** A Response that asks its server to reset the connection instead of answering. */
export function connectionResetResponse(headers: HeadersInit = {}): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.error(new Error('injected fault: connection reset'));
    },
  });
  const response = new Response(body, { status: 200, headers });
  marked.add(response);
  return response;
}

/** True when the handler asked for the connection to be reset rather than answered. */
export function isConnectionReset(response: Response): boolean {
  return marked.has(response);
}
