/**
 * Serves a web-standard handler on 127.0.0.1 (a free port) with @hono/node-server, as the docs
 * show for Node, and counts the requests it received.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

export interface ServedHandler {
  /** e.g. `http://127.0.0.1:41234`. */
  origin: string;
  /** Requests received since start (or the last reset). */
  count: number;
  /** Requests whose handler has not answered yet. */
  active: number;
  close(): Promise<void>;
}

export async function serveHandler(handler: (request: Request) => Promise<Response>): Promise<ServedHandler> {
  const served: ServedHandler = {
    origin: '',
    count: 0,
    active: 0,
    close: async () => undefined,
  };
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve(
      {
        fetch: async (request) => {
          served.count += 1;
          served.active += 1;
          try {
            return await handler(request);
          } finally {
            served.active -= 1;
          }
        },
        hostname: '127.0.0.1',
        port: 0,
      },
      () => resolve(s),
    );
  });
  const address = server.address() as AddressInfo;
  served.origin = `http://127.0.0.1:${address.port}`;
  served.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      if ('closeAllConnections' in server) server.closeAllConnections();
    });
  return served;
}
