/**
 * The playground page: pick or drop files, watch them hash and upload, pause, resume, cancel,
 * and play them back from the emulator. Signing goes through `/api/sign`: no key in the page.
 */
import { createIdbCheckpointStore, createRemoteSigner, upload } from '../src/adapters/browser/index.js';
import { loadConfig } from './config.js';
import { attachDropZone } from './dropzone.js';
import { mountPendingList } from './pending.js';
import { createUploadList, type ItemStatus } from './uploads.js';
import { mountUploadList } from './view.js';

const SETTLED: ReadonlySet<ItemStatus> = new Set(['done', 'failed', 'cancelled']);

function must<T extends HTMLElement>(selector: string): T {
  const node = document.querySelector<T>(selector);
  if (!node) throw new Error(`the page lacks ${selector}`);
  return node;
}

async function boot(): Promise<void> {
  const banner = must<HTMLElement>('#banner');
  const zone = must<HTMLElement>('#dropzone');
  const input = must<HTMLInputElement>('#file-input');
  // A file dropped next to the zone must not make the browser navigate away from the uploads.
  for (const type of ['dragover', 'drop'] as const) document.addEventListener(type, (event) => event.preventDefault());

  let config;
  try {
    config = await loadConfig();
  } catch (error) {
    banner.hidden = false;
    banner.textContent = error instanceof Error ? error.message : String(error);
    zone.setAttribute('aria-disabled', 'true');
    return;
  }
  must<HTMLElement>('#endpoint').textContent = config.endpoint;
  const log = must<HTMLAnchorElement>('#emulator-log');
  log.href = `${config.emulator}/_emulator/log?entries=0`;

  const signer = createRemoteSigner({ url: config.signUrl });
  const list = createUploadList({
    start: (file) => upload(file, { endpoint: config.endpoint, signer, concurrency: 4 }),
    maxRunning: 2,
  });
  mountUploadList(must<HTMLElement>('#uploads'), list, must<HTMLElement>('#summary'));
  // The engine keeps its checkpoints in this same IndexedDB store (the browser entry's default).
  const pending = mountPendingList(must<HTMLElement>('#pending'), {
    store: createIdbCheckpointStore(),
    endpoint: config.endpoint,
    active: () =>
      list
        .items()
        .filter((item) => !SETTLED.has(item.status))
        .map(({ name, size }) => ({ name, size })),
  });
  // Redrawn when a file starts or settles (a finished upload drops its checkpoint).
  const seen = new Map<number, boolean>();
  list.onChange((item) => {
    const settled = SETTLED.has(item.status);
    if (seen.get(item.id) !== settled) void pending.refresh();
    seen.set(item.id, settled);
  });
  await pending.refresh();
  attachDropZone(zone, input, (files) => list.add(files));
  document.body.dataset.ready = 'true';
}

void boot();
