/**
 * `startEmulator`: the emulator on a Node HTTP server, for tests, the demo, benchmarks and the CLI.
 * Request bodies stream into the handler (never buffered), so the body-size bound holds.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener, type HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { VodArgumentError } from '../protocol/index.js';
import { plainBodyOf } from './answer.js';
import { isConnectionReset } from './connection-reset.js';
import { DiskStorage } from './disk-storage.js';
import { createEmulator, type Emulator, type EmulatorCredential, type EmulatorOptions } from './emulator.js';
import { parseBandwidth, parseLatency } from './link-spec.js';
import { nodeHashing } from './node-hashing.js';

/** Options of {@link startEmulator}: the emulator's, plus where to listen and keep data. */
export interface StartEmulatorOptions extends EmulatorOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port to listen on; 0 picks a free one. Default 8787. */
  port?: number;
  /** A directory for {@link DiskStorage}; omitted → memory (unless `storage` is given). */
  data?: string;
  /**
   * Emulated latency added before each protocol answer: ms, or `"MS:JITTER"` for ± jitter ms drawn
   * from a seeded generator (`linkSeed`). Default none.
   */
  latency?: number | string;
  /** Emulated bandwidth shared by all request bodies: bytes/s, or a rate like `"20MB/s"` (binary units). Default unlimited. */
  bandwidth?: number | string;
  /** Seed of the latency's jitter. Default 1. */
  linkSeed?: number;
}

/** An emulator served over HTTP by {@link startEmulator}. */
export interface RunningEmulator {
  /** The protocol endpoint, e.g. `http://127.0.0.1:8787/v2/index.php`. */
  endpoint: string;
  /** e.g. `http://127.0.0.1:8787`. */
  origin: string;
  /** The emulator itself (its log, faults and storage). */
  emulator: Emulator;
  /** The accepted SecretId/SecretKey pairs. */
  credentials: readonly EmulatorCredential[];
  /** Stops listening, ends open connections and closes the storage. */
  close(): Promise<void>;
}

/** How long open requests may still finish after close() before their connections are cut. */
const CLOSE_GRACE_MS = 250;

/** How a listening address is written in a URL that a local client can use. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts the emulator on a Node HTTP server. */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const { host = '127.0.0.1', port = 8787, data, latency, bandwidth, linkSeed, ...emulatorOptions } = options;
  const link = {
    ...emulatorOptions.link,
    ...(latency === undefined ? {} : parseLatency(latency)),
    ...(bandwidth === undefined ? {} : { bytesPerSecond: parseBandwidth(bandwidth) }),
    ...(linkSeed === undefined ? {} : { seed: linkSeed }),
  };
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new VodArgumentError('port', 'an integer from 0 to 65535', port);
  if (data !== undefined && emulatorOptions.storage !== undefined)
    throw new VodArgumentError('data', 'to be omitted when storage is given', data);
  if (data !== undefined && (typeof data !== 'string' || data.length === 0)) throw new VodArgumentError('data', 'a directory path', data);
  const storage = data === undefined ? emulatorOptions.storage : await DiskStorage.open(data);
  // Bodies are read from the IncomingMessage itself: the web-stream adapter cost more CPU per part than hashing it.
  const incomingOf = new WeakMap<Request, AsyncIterable<Uint8Array>>();
  const emulator = createEmulator({
    hashing: nodeHashing,
    requestBody: (request) => incomingOf.get(request) ?? request.body,
    ...emulatorOptions,
    link,
    ...(storage ? { storage } : {}),
  });
  const listener = getRequestListener(
    async (request, env) => {
      incomingOf.set(request, (env as HttpBindings).incoming);
      const response = await emulator.handler(request);
      const text = plainBodyOf(response);
      if (text !== undefined) {
        // The emulator's own text answers go out as they are: a web Response's body stream costs more than the answer.
        const outgoing = (env as HttpBindings).outgoing;
        const headers: Record<string, string> = { 'Content-Length': String(Buffer.byteLength(text)) };
        for (const [name, value] of response.headers) headers[name] = value;
        outgoing.writeHead(response.status, headers);
        outgoing.end(text);
        return RESPONSE_ALREADY_SENT;
      }
      if (!isConnectionReset(response)) return response;
      // An injected fault asked for a cut connection: a TCP reset, not an answer.
      void response.body?.cancel().catch(() => undefined);
      const socket = (env as HttpBindings).incoming.socket;
      if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
      else socket.destroy();
      return RESPONSE_ALREADY_SENT;
    },
    { overrideGlobalObjects: false },
  );
  const server: Server = createServer((incoming, outgoing) => void listener(incoming, outgoing));
  // Counted per run (cleared with the log): shows whether clients reuse kept-alive connections.
  server.on('connection', () => emulator.log.connectionOpened());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await emulator.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const origin = `http://${urlHost(host)}:${address.port}`;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `${origin}/v2/index.php`,
    origin,
    emulator,
    credentials: emulator.credentials,
    close() {
      closing ??= (async () => {
        await emulator.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          // Answers already on their way (hanging requests get a 503) go out; then the rest are cut.
          setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
        });
      })();
      return closing;
    },
  };
}
