/**
 * Unfinished uploads, listed after a reload: the checkpoints IndexedDB keeps for this endpoint
 * (file name, size, age), so a person can pick the same file again and only the missing parts
 * are sent, or forget one. Uploads running on this page are left out: their cards show them.
 */
import { ageText, formatBytes } from '../src/util/units.js';
import { findPendingUploads, removePendingUpload, type PendingUpload } from '../src/core/pending.js';
import type { BrowserCheckpointStore } from '../src/adapters/browser/index.js';

export interface PendingListOptions {
  store: BrowserCheckpointStore;
  /** Only checkpoints of uploads to this endpoint are listed. */
  endpoint: string;
  /** Files uploading on this page now (name and size), which the list leaves out. */
  active: () => { name: string; size: number }[];
  now?: () => number;
}

export interface PendingList {
  /** Reads the store again and redraws (after an upload settled, or was started). */
  refresh(): Promise<void>;
}

/** Fills `root` (a section with a `ul`) with the unfinished uploads; hides it when there are none. */
export function mountPendingList(root: HTMLElement, options: PendingListOptions): PendingList {
  const doc = root.ownerDocument;
  const list = root.querySelector('ul');
  if (!list) throw new Error('the pending section lacks its list');
  const now = options.now ?? Date.now;
  let reading = Promise.resolve();

  const row = (pending: PendingUpload): HTMLLIElement => {
    const name = pending.name ?? '(unnamed file)';
    const item = doc.createElement('li');
    item.className = 'pending';
    item.dataset.key = pending.key;
    const label = doc.createElement('span');
    label.className = 'pending-name';
    label.textContent = name;
    const size = doc.createElement('span');
    size.className = 'pending-size';
    size.textContent = formatBytes(pending.size);
    const age = doc.createElement('span');
    age.className = 'pending-age';
    age.textContent = ageText(now() - pending.createdAt);
    age.title = new Date(pending.createdAt).toLocaleString();
    const forget = doc.createElement('button');
    forget.type = 'button';
    forget.className = 'btn';
    forget.textContent = 'Forget';
    forget.setAttribute('aria-label', `Forget ${name}`);
    forget.addEventListener('click', () => {
      forget.disabled = true;
      void removePendingUpload(options.store, pending.key).then(refresh, refresh);
    });
    item.append(label, size, age, forget);
    return item;
  };

  const draw = async (): Promise<void> => {
    const active = options.active();
    const pending = (await findPendingUploads(options.store)).filter(
      (entry) =>
        (entry.endpoint === undefined || entry.endpoint === options.endpoint) &&
        !active.some((file) => file.name === entry.name && file.size === entry.size),
    );
    list.replaceChildren(...pending.map(row));
    root.hidden = pending.length === 0;
    root.dataset.count = String(pending.length);
  };

  // One read at a time, in order: a refresh asked for during a read runs after it.
  const refresh = (): Promise<void> => (reading = reading.then(draw, draw).catch(() => undefined));
  return { refresh };
}
