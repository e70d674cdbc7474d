/**
 * The playground's Node side: the emulator (persistent under a data directory), and a Vite dev
 * server for the page with two routes of its own:
 *
 * - `GET  /api/config` → `{ endpoint, signUrl, emulator }`: where the page uploads to;
 * - `POST /api/sign`   → `createSigningHandler`: signs the page's requests with the emulator's
 *   development keys. The SecretKey stays in this process; the page only ever sees signatures.
 *
 * `npm start` (scripts/start.mjs) runs {@link startPlayground}; the Chromium test does too.
 */
import { resolve } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { createServer, type Plugin, type ViteDevServer } from 'vite';
import { DEV_CREDENTIALS } from '../src/emulator/emulator.js';
// The server module itself, not the entry's lazy wrapper: scripts/start.mjs loads this file with
// Vite's runnerImport, which allows no dynamic import after loading.
import { startEmulator, type RunningEmulator } from '../src/emulator/server.js';
import { createSigningHandler } from '../src/proxy/index.js';

const REPO_ROOT = resolve(import.meta.dirname, '..');

/** What the page learns from `/api/config`. */
export interface PlaygroundConfig {
  /** The protocol endpoint the page uploads to. */
  endpoint: string;
  /** Where the remote signer asks for signatures (same origin as the page). */
  signUrl: string;
  /** The emulator's origin, for links to its control API. */
  emulator: string;
}

export interface PlaygroundApiOptions {
  endpoint: string;
  secretId: string;
  secretKey: string;
}

/**
 * Same-origin callers only: a page on another site must not get uploads signed here. A real app
 * would check its session (cookie, token) in the same place.
 */
function sameOrigin(request: Request): true | string {
  const origin = request.headers.get('origin');
  if (origin === null) return true;
  try {
    return new URL(origin).host === request.headers.get('host') ? true : `requests from ${origin} are not signed here`;
  } catch {
    return 'unreadable Origin header';
  }
}

/** A Vite plugin serving `/api/config` and `/api/sign` next to the page. */
export function playgroundApi(options: PlaygroundApiOptions): Plugin {
  const endpoint = new URL(options.endpoint);
  const sign = createSigningHandler({
    secretId: options.secretId,
    secretKey: options.secretKey,
    // Only uploads to this emulator are signed.
    hosts: [endpoint.host],
    authorize: sameOrigin,
    cors: false,
  });
  const config: PlaygroundConfig = { endpoint: endpoint.href, signUrl: '/api/sign', emulator: endpoint.origin };
  const signListener = getRequestListener(sign, { overrideGlobalObjects: false });
  return {
    name: 'vod-upload-playground-api',
    configureServer(server) {
      server.middlewares.use('/api/config', (_request, response) => {
        response.setHeader('Content-Type', 'application/json; charset=utf-8');
        response.setHeader('Cache-Control', 'no-store');
        response.end(JSON.stringify(config));
      });
      server.middlewares.use('/api/sign', (request, response) => void signListener(request, response));
    },
  };
}

export interface PlaygroundOptions {
  /** Emulator data directory (kept across runs). Default `.vod-data` in the working directory. */
  data?: string;
  /** Emulator port; 0 picks one. Default 8787. */
  emulatorPort?: number;
  /** Page port; 0 picks one. Default 5173 (the next free one if taken). */
  pagePort?: number;
  host?: string;
  /** Vite's dependency cache (tests use their own). */
  cacheDir?: string;
}

export interface RunningPlayground {
  /** The page, e.g. `http://127.0.0.1:5173/`. */
  pageUrl: string;
  emulator: RunningEmulator;
  vite: ViteDevServer;
  close(): Promise<void>;
}

/** Starts the emulator and the playground page. */
export async function startPlayground(options: PlaygroundOptions = {}): Promise<RunningPlayground> {
  const host = options.host ?? '127.0.0.1';
  const emulator = await startEmulator({ host, port: options.emulatorPort ?? 8787, data: resolve(options.data ?? '.vod-data') });
  let vite: ViteDevServer;
  try {
    vite = await createServer({
      configFile: false,
      logLevel: 'warn',
      clearScreen: false,
      root: resolve(REPO_ROOT, 'playground'),
      cacheDir: options.cacheDir ?? resolve(REPO_ROOT, 'node_modules', '.vite', 'playground'),
      plugins: [playgroundApi({ endpoint: emulator.endpoint, ...DEV_CREDENTIALS })],
      // Known up front, so Vite never reloads the page mid-upload after discovering a dependency.
      optimizeDeps: {
        entries: ['index.html'],
        include: ['ky', 'zod', 'spark-md5', 'idb-keyval', '@noble/hashes/legacy.js', '@noble/hashes/utils.js'],
      },
      server: {
        host,
        port: options.pagePort ?? 5173,
        strictPort: false,
        fs: { allow: [REPO_ROOT] },
      },
    });
    await vite.listen();
  } catch (error) {
    await emulator.close();
    throw error;
  }
  const address = vite.httpServer?.address();
  const port = address && typeof address === 'object' ? address.port : options.pagePort;
  return {
    pageUrl: `http://${host}:${port}/`,
    emulator,
    vite,
    async close() {
      await Promise.allSettled([vite.close(), emulator.close()]);
    },
  };
}
