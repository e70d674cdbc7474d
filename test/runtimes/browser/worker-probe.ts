/**
 * Evidence from outside the library that hashing ran on a Web Worker, in every engine (WebDriver
 * classic cannot list a page's workers): a Vite plugin wraps the hasher's worker module as the dev
 * server serves it to the browser, and the wrapped worker tells the server, over HTTP, which global
 * scope it runs in, the size of every Blob it was given and the bytes it hashed. The library's own
 * `runner: 'worker'` label is not involved.
 */
import type { IncomingMessage } from 'node:http';
import type { Plugin } from 'vite';

export interface WorkerSighting {
  /** The worker's global constructor, e.g. `DedicatedWorkerGlobalScope`. */
  scope: string;
  /** `job`: a hash request arrived; `done`: a result left. */
  event: 'job' | 'done';
  size?: number;
  bytesHashed?: number;
}

const PROBE_PATH = '/__vod-probe/worker';

// Runs in the worker before hash-worker.ts's body (imports are hoisted above it anyway).
const PROBE = `
const __vodProbe = (record) => fetch(${JSON.stringify(PROBE_PATH)}, { method: 'POST', body: JSON.stringify({ scope: globalThis.constructor.name, ...record }) }).catch(() => undefined);
addEventListener('message', (event) => { const m = event.data; if (m && m.type === 'hash') __vodProbe({ event: 'job', size: m.blob && m.blob.size }); });
const __vodPost = globalThis.postMessage.bind(globalThis);
globalThis.postMessage = (m, transfer) => { if (m && m.type === 'done') __vodProbe({ event: 'done', bytesHashed: m.result && m.result.bytesHashed }); return __vodPost(m, transfer); };
`;

async function body(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > 10_000) break;
  }
  return text;
}

/** The plugin to pass to the harness's Vite config, and what the worker reported so far. */
export function workerProbe(): { plugin: Plugin; sightings: WorkerSighting[] } {
  const sightings: WorkerSighting[] = [];
  const plugin: Plugin = {
    name: 'vod-upload-test:worker-probe',
    apply: 'serve',
    transform(code, id) {
      // Only the copy served as a worker script (`?worker_file`), never a main-thread import.
      if (!/\/src\/adapters\/browser\/hash-worker\.ts\?(.*&)?worker_file/.test(id)) return null;
      return { code: `${PROBE}\n${code}`, map: null };
    },
    configureServer(server) {
      server.middlewares.use(PROBE_PATH, (request, response) => {
        body(request).then(
          (text) => {
            try {
              sightings.push(JSON.parse(text) as WorkerSighting);
            } catch {
              // not a sighting
            }
            response.end();
          },
          () => response.end(),
        );
      });
    },
  };
  return { plugin, sightings };
}
