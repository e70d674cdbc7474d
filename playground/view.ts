/**
 * The DOM of the upload list: one card per file with its hashing and upload bars, speed, ETA,
 * buttons, a badge for how it got there, errors in words, and the video once it is done.
 * Built with plain DOM calls on the `document` given, so happy-dom tests it as is.
 */
import { formatBytes, formatDuration, formatRate } from '../src/util/units.js';
import type { ItemStatus, UploadItem, UploadList } from './uploads.js';

export interface ItemActions {
  pause(id: number): void;
  resume(id: number): void;
  cancel(id: number): void;
  retry(id: number): void;
}

export const STATUS_TEXT: Readonly<Record<ItemStatus, string>> = {
  queued: 'Waiting for a free slot',
  hashing: 'Computing checksums',
  uploading: 'Uploading',
  finishing: 'Finishing',
  paused: 'Paused',
  done: 'Uploaded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const BADGE_TEXT = { new: 'new', resumed: 'resumed', instant: 'instant ⚡' } as const;
const BADGE_TITLE = {
  new: 'Every part was sent',
  resumed: 'The service already held some parts: only the rest was sent',
  instant: 'The service already had this file: nothing was sent',
} as const;

export interface ItemView {
  element: HTMLElement;
  update(item: UploadItem): void;
}

function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function createBar(doc: Document, label: string, name: string): { root: HTMLElement; set(fraction: number, text: string): void } {
  const root = el(doc, 'div', `bar bar-${name}`);
  const caption = el(doc, 'span', 'bar-label', label);
  const track = el(doc, 'div', 'bar-track');
  const fill = el(doc, 'div', 'bar-fill');
  const value = el(doc, 'span', 'bar-value', '0%');
  track.setAttribute('role', 'progressbar');
  track.setAttribute('aria-label', `${label} progress`);
  track.setAttribute('aria-valuemin', '0');
  track.setAttribute('aria-valuemax', '100');
  track.append(fill);
  root.append(caption, track, value);
  return {
    root,
    set(fraction, text) {
      const percent = Math.floor(Math.min(1, Math.max(0, fraction)) * 100);
      fill.style.width = `${percent}%`;
      track.setAttribute('aria-valuenow', String(percent));
      value.textContent = text;
    },
  };
}

/** Speed and time left of what is running now; empty when nothing is. */
export function rateText(item: UploadItem): string {
  if (item.status !== 'hashing' && item.status !== 'uploading' && item.status !== 'finishing') return '';
  const eta = item.eta === undefined ? '' : ` · ${formatDuration(item.eta)} left`;
  return `${formatRate(item.speed)}${eta}`;
}

/** A card for `item`; `update` redraws it from a newer snapshot. */
export function createItemView(doc: Document, item: UploadItem, actions: ItemActions): ItemView {
  const element = el(doc, 'li', 'upload');
  element.dataset.id = String(item.id);
  const head = el(doc, 'div', 'upload-head');
  const name = el(doc, 'span', 'upload-name', item.name);
  name.title = item.name;
  const size = el(doc, 'span', 'upload-size', formatBytes(item.size));
  const badge = el(doc, 'span', 'badge');
  badge.hidden = true;
  head.append(name, size, badge);

  const overallBar = createBar(doc, 'Overall', 'overall');
  const hashBar = createBar(doc, 'Checksums', 'hash');
  const sendBar = createBar(doc, 'Upload', 'send');
  const bars = el(doc, 'div', 'upload-bars');
  bars.append(overallBar.root, hashBar.root, sendBar.root);

  const footer = el(doc, 'div', 'upload-footer');
  const status = el(doc, 'span', 'upload-status');
  const rate = el(doc, 'span', 'upload-rate');
  const buttons = el(doc, 'div', 'upload-actions');
  const button = (label: string, action: keyof ItemActions): HTMLButtonElement => {
    const node = el(doc, 'button', `btn btn-${action}`, label);
    node.type = 'button';
    node.setAttribute('aria-label', `${label} ${item.name}`);
    node.addEventListener('click', () => actions[action](item.id));
    return node;
  };
  const pause = button('Pause', 'pause');
  const resume = button('Resume', 'resume');
  const cancel = button('Cancel', 'cancel');
  const retry = button('Retry', 'retry');
  buttons.append(pause, resume, cancel, retry);
  footer.append(status, rate, buttons);

  const error = el(doc, 'p', 'upload-error');
  error.setAttribute('role', 'alert');
  error.hidden = true;
  const result = el(doc, 'div', 'upload-result');
  result.hidden = true;
  element.append(head, bars, footer, error, result);

  let shownUrl: string | undefined;
  const update = (next: UploadItem): void => {
    element.dataset.status = next.status;
    overallBar.set(next.overallPercent / 100, `${Math.floor(next.overallPercent)}%`);
    hashBar.set(
      next.size > 0 ? next.hashedBytes / next.size : 1,
      next.result?.hashEngine === 'checkpoint' ? 'saved' : `${Math.floor((next.hashedBytes / (next.size || 1)) * 100)}%`,
    );
    const sendText =
      next.result?.kind === 'instant' ? 'already on the service' : `${formatBytes(next.ackedBytes)} of ${formatBytes(next.size)}`;
    sendBar.set(next.size > 0 ? next.ackedBytes / next.size : 1, sendText);
    status.textContent = STATUS_TEXT[next.status];
    rate.textContent = rateText(next);
    const finished = next.status === 'done' || next.status === 'failed' || next.status === 'cancelled';
    pause.hidden = next.status === 'paused' || next.status === 'queued' || finished;
    resume.hidden = next.status !== 'paused';
    cancel.hidden = finished;
    retry.hidden = next.status !== 'failed' && next.status !== 'cancelled';
    error.hidden = next.error === undefined;
    error.textContent = next.error ?? '';
    const kind = next.result?.kind;
    badge.hidden = kind === undefined;
    if (kind) {
      badge.textContent = BADGE_TEXT[kind];
      badge.title = BADGE_TITLE[kind];
      badge.className = `badge badge-${kind}`;
    }
    if (next.result && next.result.url !== shownUrl) {
      shownUrl = next.result.url;
      result.replaceChildren(renderResult(doc, next));
    }
    result.hidden = !next.result;
  };
  update(item);
  return { element, update };
}

/** Whether a `<video>` can show the file: the browser's own guess from the name. */
export function isPlayable(item: Pick<UploadItem, 'type' | 'name'>): boolean {
  return /^(video|audio)\//.test(item.type) || /\.(mp4|m4v|webm|ogv|mov)$/i.test(item.name);
}

function renderResult(doc: Document, item: UploadItem): DocumentFragment {
  const fragment = doc.createDocumentFragment();
  const { result } = item;
  if (!result) return fragment;
  if (isPlayable(item)) {
    const video = el(doc, 'video', 'upload-video');
    video.controls = true;
    video.preload = 'metadata';
    // A temporal fragment makes browsers decode and show a frame before playing (Safari shows none otherwise).
    video.src = `${result.url}#t=0.1`;
    fragment.append(video);
  } else {
    fragment.append(el(doc, 'p', 'upload-nopreview', 'No preview: the browser does not take this file for a video.'));
  }
  const meta = el(doc, 'p', 'upload-meta');
  const link = el(doc, 'a', 'upload-link', result.url);
  link.href = result.url;
  link.target = '_blank';
  link.rel = 'noopener';
  meta.append('fileId ', el(doc, 'code', 'upload-fileid', result.fileId), ' · ', link);
  fragment.append(meta);
  return fragment;
}

/** Keeps `container` (a list element) in step with `list`; returns the function that stops. */
export function mountUploadList(container: HTMLElement, list: UploadList, summary?: HTMLElement): () => void {
  const doc = container.ownerDocument;
  const views = new Map<number, ItemView>();
  const actions: ItemActions = {
    pause: (id) => list.pause(id),
    resume: (id) => list.resume(id),
    cancel: (id) => list.cancel(id),
    retry: (id) => list.retry(id),
  };
  const refreshSummary = (): void => {
    if (!summary) return;
    summary.textContent = summaryText(list.items());
  };
  const stop = list.onChange((item) => {
    let view = views.get(item.id);
    if (!view) {
      view = createItemView(doc, item, actions);
      views.set(item.id, view);
      container.append(view.element);
    } else view.update(item);
    refreshSummary();
  });
  for (const item of list.items()) {
    const view = createItemView(doc, item, actions);
    views.set(item.id, view);
    container.append(view.element);
  }
  refreshSummary();
  return stop;
}

/** `3 files · 1 uploading · 2 done (45.0 MB)`; empty for an empty list. */
export function summaryText(items: readonly UploadItem[]): string {
  if (items.length === 0) return '';
  const count = (statuses: ItemStatus[]): number => items.filter((item) => statuses.includes(item.status)).length;
  const parts = [`${items.length} file${items.length === 1 ? '' : 's'}`];
  const active = count(['hashing', 'uploading', 'finishing']);
  if (active) parts.push(`${active} in progress`);
  if (count(['queued'])) parts.push(`${count(['queued'])} waiting`);
  if (count(['paused'])) parts.push(`${count(['paused'])} paused`);
  const done = items.filter((item) => item.status === 'done');
  if (done.length) parts.push(`${done.length} done (${formatBytes(done.reduce((sum, item) => sum + item.size, 0))})`);
  if (count(['failed'])) parts.push(`${count(['failed'])} failed`);
  return parts.join(' · ');
}
