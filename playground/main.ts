/**
 * The playground page: pick or drop files, watch them hash and upload, pause, resume, cancel,
 * and play them back from the emulator. Signing goes through `/api/sign`: no key in the page.
 */
import { createRemoteSigner, upload } from '../src/adapters/browser/index.js';
import { loadConfig } from './config.js';
import { attachDropZone } from './dropzone.js';
import { createUploadList } from './uploads.js';
import { mountUploadList } from './view.js';

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
  attachDropZone(zone, input, (files) => list.add(files));
  document.body.dataset.ready = 'true';
}

void boot();
