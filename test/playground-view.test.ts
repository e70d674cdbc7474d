// @vitest-environment happy-dom
/** The playground's view logic without a browser: the upload list model, the cards, the drop zone, words for errors. */
import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../playground/config.js';
import { attachDropZone } from '../playground/dropzone.js';
import { describeError } from '../playground/errors.js';
import { createUploadList, type UploadItem } from '../playground/uploads.js';
import { createItemView, isPlayable, mountUploadList, summaryText } from '../playground/view.js';
import type { UploadHandle, UploadProgress, UploadResult, UploadState } from '../src/index.js';
import { ClientErrorCode, VodArgumentError, VodError } from '../src/protocol/index.js';

/** A stand-in upload handle the test drives by hand. */
function fakeHandle() {
  const listeners: Record<string, ((value: never) => void)[]> = {};
  let state: UploadState = 'running';
  let settle!: { resolve: (result: UploadResult) => void; reject: (error: unknown) => void };
  const done = new Promise<UploadResult>((resolve, reject) => (settle = { resolve, reject }));
  done.catch(() => undefined);
  const emit = (event: string, value: unknown): void => {
    for (const listener of listeners[event] ?? []) (listener as (value: unknown) => void)(value);
  };
  const setState = (next: UploadState): void => {
    state = next;
    emit('state', next);
  };
  const handle: UploadHandle = {
    done,
    get state() {
      return state;
    },
    pause: vi.fn(() => setState('paused')),
    resume: vi.fn(() => setState('running')),
    abort: vi.fn(() => {
      setState('aborted');
      settle.reject(new VodError({ code: ClientErrorCode.Aborted, message: 'aborted', canRetry: false }));
    }),
    on: ((event: string, listener: (value: never) => void) => {
      (listeners[event] ??= []).push(listener);
      return () => undefined;
    }) as UploadHandle['on'],
  };
  return {
    handle,
    progress: (state: Partial<UploadProgress>) =>
      emit('progress', {
        phase: 'hashing',
        hashedBytes: 0,
        sentBytes: 0,
        ackedBytes: 0,
        totalBytes: 100,
        speed: 0,
        eta: undefined,
        percent: 0,
        overallPercent: 0,
        ...state,
      }),
    finish: (result: Partial<UploadResult> = {}) =>
      settle.resolve({
        fileId: '16092504232103571364',
        url: 'http://emu/vod/16092504232103571364/f0.mp4',
        instant: false,
        kind: 'new',
        sha1: 'a'.repeat(40),
        size: 100,
        partSize: 524288,
        partsSent: 1,
        partsSkipped: 0,
        hashedBytes: 100,
        hashEngine: 'wasm',
        ...result,
      }),
    fail: (error: unknown) => settle.reject(error),
  };
}

const file = (name: string, size = 100, type = 'video/mp4') => new File([new Uint8Array(size)], name, { type });
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(maxRunning = 2) {
  const fakes: ReturnType<typeof fakeHandle>[] = [];
  const list = createUploadList({
    maxRunning,
    start: () => {
      const fake = fakeHandle();
      fakes.push(fake);
      return fake.handle;
    },
  });
  return { list, fakes };
}

describe('upload list model', () => {
  it('runs at most maxRunning files; the next starts when one ends', async () => {
    const { list, fakes } = setup(2);
    list.add([file('a.mp4'), file('b.mp4'), file('c.mp4')]);
    expect(list.items().map((item) => item.status)).toEqual(['hashing', 'hashing', 'queued']);
    expect(fakes).toHaveLength(2);
    fakes[0]!.finish();
    await flush();
    expect(list.items().map((item) => item.status)).toEqual(['done', 'hashing', 'hashing']);
    expect(fakes).toHaveLength(3);
  });

  it('follows progress: hashing, uploading with acked bytes, then done with the result', async () => {
    const { list, fakes } = setup();
    const [added] = list.add([file('a.mp4')]);
    const fake = fakes[0]!;
    fake.progress({ phase: 'hashing', hashedBytes: 40 });
    expect(list.items()[0]).toMatchObject({ status: 'hashing', hashedBytes: 40, ackedBytes: 0 });
    fake.progress({ phase: 'uploading', hashedBytes: 100, ackedBytes: 50, speed: 1000, eta: 2, overallPercent: 61.5 });
    expect(list.items()[0]).toMatchObject({ status: 'uploading', ackedBytes: 50, speed: 1000, eta: 2, overallPercent: 61.5 });
    fake.finish({ kind: 'resumed' });
    await flush();
    expect(list.items()[0]).toMatchObject({
      id: added!.id,
      status: 'done',
      ackedBytes: 100,
      overallPercent: 100,
      result: expect.objectContaining({ kind: 'resumed' }),
    });
  });

  it('pause frees a slot, resume continues, cancel ends with "cancelled", retry starts over', async () => {
    const { list, fakes } = setup(1);
    const [a, b] = list.add([file('a.mp4'), file('b.mp4')]);
    list.pause(a!.id);
    expect(fakes[0]!.handle.pause).toHaveBeenCalled();
    expect(list.items().map((item) => item.status)).toEqual(['paused', 'hashing']);
    list.resume(a!.id);
    expect(list.items()[0]!.status).not.toBe('paused');
    list.cancel(b!.id);
    await flush();
    expect(list.items()[1]!.status).toBe('cancelled');
    list.retry(b!.id);
    await flush();
    expect(list.items()[1]!.status).toMatch(/queued|hashing/);
  });

  it('a queued file is cancelled without starting; failures and refusals become words', async () => {
    const { list, fakes } = setup(1);
    const [, queued] = list.add([file('a.mp4'), file('b.mp4')]);
    list.cancel(queued!.id);
    expect(list.items()[1]!.status).toBe('cancelled');
    fakes[0]!.fail(new VodError({ code: -10002, message: 'signature wrong', canRetry: false }));
    await flush();
    expect(list.items()[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('refused the signature') });
    expect(fakes).toHaveLength(1);

    const refusing = createUploadList({
      start: () => {
        throw new VodArgumentError('source', 'a file of at least 1 byte', '0 bytes');
      },
    });
    refusing.add([file('empty.mp4', 0)]);
    expect(refusing.items()[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('at least 1 byte') });
  });
});

const item = (changes: Partial<UploadItem> = {}): UploadItem => ({
  id: 7,
  name: 'clip.mp4',
  size: 2097152,
  type: 'video/mp4',
  status: 'uploading',
  hashedBytes: 2097152,
  overallPercent: 72.6,
  ackedBytes: 1048576,
  speed: 1048576,
  eta: 1,
  result: undefined,
  error: undefined,
  ...changes,
});

describe('item card', () => {
  it('shows bars, status, speed and ETA, and the buttons that apply', () => {
    const actions = { pause: vi.fn(), resume: vi.fn(), cancel: vi.fn(), retry: vi.fn() };
    const view = createItemView(document, item(), actions);
    const q = (selector: string) => view.element.querySelector<HTMLElement>(selector)!;
    expect(q('.upload-name').textContent).toBe('clip.mp4');
    expect(q('.upload-size').textContent).toBe('2.0 MB');
    expect(q('.bar-send [role=progressbar]').getAttribute('aria-valuenow')).toBe('50');
    expect(q('.bar-send .bar-value').textContent).toBe('1.0 MB of 2.0 MB');
    // One bar for the whole job: the engine's overallPercent, not a phase's.
    expect(q('.bar-overall [role=progressbar]').getAttribute('aria-valuenow')).toBe('72');
    expect(q('.bar-overall .bar-value').textContent).toBe('72%');
    expect(q('.upload-status').textContent).toBe('Uploading');
    expect(q('.upload-rate').textContent).toBe('1.0 MB/s · 1.0s left');
    expect([q('.btn-pause').hidden, q('.btn-resume').hidden, q('.btn-cancel').hidden, q('.btn-retry').hidden]).toEqual([
      false,
      true,
      false,
      true,
    ]);
    q('.btn-pause').click();
    expect(actions.pause).toHaveBeenCalledWith(7);

    view.update(item({ status: 'paused' }));
    expect(view.element.dataset.status).toBe('paused');
    expect([q('.btn-pause').hidden, q('.btn-resume').hidden]).toEqual([true, false]);
    q('.btn-resume').click();
    expect(actions.resume).toHaveBeenCalledWith(7);

    view.update(item({ status: 'failed', error: 'The service refused the signature. (code -10002)' }));
    expect(q('.upload-error').hidden).toBe(false);
    expect(q('.upload-error').textContent).toContain('refused the signature');
    expect([q('.btn-cancel').hidden, q('.btn-retry').hidden]).toEqual([true, false]);
  });

  it('when done: a badge for how, the video from the url, the fileId', () => {
    const result: UploadResult = {
      fileId: '16092504232103571364',
      url: 'http://emu/vod/16092504232103571364/f0.mp4',
      instant: true,
      kind: 'instant',
      sha1: 'a'.repeat(40),
      size: 2097152,
      partSize: 1048576,
      partsSent: 0,
      partsSkipped: 0,
      hashedBytes: 2097152,
      hashEngine: 'wasm',
    };
    const view = createItemView(document, item({ status: 'done', ackedBytes: 2097152, result }), {
      pause() {},
      resume() {},
      cancel() {},
      retry() {},
    });
    const badge = view.element.querySelector<HTMLElement>('.badge')!;
    expect([badge.hidden, badge.textContent, badge.className]).toEqual([false, 'instant ⚡', 'badge badge-instant']);
    expect(view.element.querySelector('video')!.getAttribute('src')).toBe(`${result.url}#t=0.1`);
    expect(view.element.querySelector('.upload-fileid')!.textContent).toBe(result.fileId);
    expect(view.element.querySelector('.bar-send .bar-value')!.textContent).toBe('already on the service');
    const other = createItemView(
      document,
      item({ name: 'data.bin', type: 'application/octet-stream', status: 'done', result: { ...result, kind: 'new' } }),
      { pause() {}, resume() {}, cancel() {}, retry() {} },
    );
    expect(other.element.querySelector('video')).toBeNull();
    expect(other.element.querySelector('.upload-nopreview')).not.toBeNull();
    expect(isPlayable({ name: 'x.MOV', type: '' })).toBe(true);
  });

  it('the list mounts a card per file and keeps a summary', async () => {
    const { list, fakes } = setup(1);
    const container = document.createElement('ul');
    const summary = document.createElement('p');
    mountUploadList(container, list, summary);
    list.add([file('a.mp4', 2048), file('b.mp4')]);
    expect(container.querySelectorAll('li.upload')).toHaveLength(2);
    expect(summary.textContent).toBe('2 files · 1 in progress · 1 waiting');
    fakes[0]!.finish();
    await flush();
    expect(container.querySelector('li.upload')!.getAttribute('data-status')).toBe('done');
    expect(summary.textContent).toBe('2 files · 1 in progress · 1 done (2.0 KB)');
    expect(summaryText([])).toBe('');
  });
});

describe('drop zone', () => {
  it('takes dropped and picked files, marks the zone while dragging', () => {
    const zone = document.createElement('section');
    const input = document.createElement('input');
    input.type = 'file';
    zone.append(input);
    const got: string[][] = [];
    const detach = attachDropZone(zone, input, (files) => got.push(files.map((f) => f.name)));
    const files = [file('a.mp4'), file('b.mov')];
    const dragEvent = (type: string) => {
      const event = new Event(type, { bubbles: true, cancelable: true });
      Object.defineProperty(event, 'dataTransfer', { value: { files, dropEffect: 'none' } });
      return event;
    };
    const over = dragEvent('dragover');
    zone.dispatchEvent(over);
    expect(over.defaultPrevented).toBe(true);
    expect(zone.classList.contains('dragging')).toBe(true);
    zone.dispatchEvent(dragEvent('drop'));
    expect(zone.classList.contains('dragging')).toBe(false);
    expect(got).toEqual([['a.mp4', 'b.mov']]);

    Object.defineProperty(input, 'files', { value: [file('c.mkv')], configurable: true });
    input.dispatchEvent(new Event('change'));
    expect(got[1]).toEqual(['c.mkv']);

    detach();
    zone.dispatchEvent(dragEvent('drop'));
    expect(got).toHaveLength(2);
  });
});

describe('words and config', () => {
  it('explains failures in words, keeping the code', () => {
    expect(describeError(new VodError({ code: ClientErrorCode.Network, message: 'fetch failed', canRetry: true }))).toBe(
      'Could not reach the upload service. Is the emulator still running (npm start)? You can retry. (code NETWORK)',
    );
    expect(describeError(new VodError({ code: -10006, message: 'sha1 mismatch', canRetry: false }))).toMatch(/file changed/);
    expect(describeError(new VodError({ code: 5100, message: 'x', canRetry: false }))).toBe('The upload service said: x. (code 5100)');
    expect(describeError(new Error('boom'))).toBe('boom');
  });

  it('loads /api/config and says what is wrong when it cannot', async () => {
    const answer = (status: number, body: unknown) =>
      (async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch;
    await expect(
      loadConfig(answer(200, { endpoint: 'http://e/v2/index.php', signUrl: '/api/sign', emulator: 'http://e' })),
    ).resolves.toEqual({ endpoint: 'http://e/v2/index.php', signUrl: '/api/sign', emulator: 'http://e' });
    await expect(loadConfig(answer(404, {}))).rejects.toThrow(/answered 404: start the playground with npm start/);
    await expect(loadConfig(answer(200, { endpoint: 'x' }))).rejects.toThrow(/"signUrl" is missing/);
  });
});
