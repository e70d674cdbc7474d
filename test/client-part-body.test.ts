import { describe, expect, it } from 'vitest';
import { watchedBody } from '../src/client/part-body.js';
import { applyBeforeRequest } from '../src/client/request-hook.js';

/** Every chunk of a stream, read to its end. */
async function chunksOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

describe('watchedBody: a part body that tells of each chunk', () => {
  it('sends in-memory bytes as 256 KiB views, one notice per chunk', async () => {
    const bytes = new Uint8Array(600 * 1024).map((_, i) => i % 251);
    let notices = 0;
    const chunks = await chunksOf(watchedBody(bytes, () => notices++).stream);
    expect(chunks.map((chunk) => chunk.byteLength)).toEqual([256 * 1024, 256 * 1024, 88 * 1024]);
    expect(chunks.every((chunk) => chunk.buffer === bytes.buffer)).toBe(true);
    expect(Buffer.concat(chunks).equals(Buffer.from(bytes))).toBe(true);
    expect(notices).toBe(3);
  });

  it('sends a Blob as it streams, and an empty body as no chunk at all', async () => {
    let notices = 0;
    const chunks = await chunksOf(watchedBody(new Blob(['hello ', 'world']), () => notices++).stream);
    expect(Buffer.concat(chunks).toString()).toBe('hello world');
    expect(notices).toBe(chunks.length);
    expect(await chunksOf(watchedBody(new Uint8Array(0), () => notices++).stream)).toEqual([]);
  });

  it('pulls nothing ahead: a chunk is read only when asked for', async () => {
    let notices = 0;
    const body = watchedBody(new Uint8Array(600 * 1024), () => notices++);
    const reader = body.stream.getReader();
    await reader.read();
    await new Promise((resolve) => setImmediate(resolve));
    expect(notices).toBe(1);
    body.release();
    body.release();
    await reader.cancel();
  });

  it('release lets go of a Blob being read', async () => {
    let cancelled: unknown = 'no';
    const source = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new Uint8Array(4)),
      cancel: (reason) => {
        cancelled = reason;
      },
    });
    const blob = new Blob([]);
    Object.defineProperty(blob, 'stream', { value: () => source });
    const body = watchedBody(blob, () => undefined);
    const reader = body.stream.getReader();
    await reader.read();
    body.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(cancelled).toBeUndefined();
  });
});

describe('applyBeforeRequest: the hook changes headers only', () => {
  it('shows the signed request, frozen, and puts the library headers back afterwards', async () => {
    const headers = new Headers({ 'content-type': 'application/octet-stream', 'content-length': '5' });
    const params = { Signature: 's' };
    let seen: { action: string; url: string; frozen: boolean; params: unknown } | undefined;
    await applyBeforeRequest(
      (request) => {
        seen = { action: request.action, url: request.url, frozen: Object.isFrozen(request.params), params: request.params };
        request.headers.set('x-trace-id', 't1');
        request.headers.set('content-type', 'text/plain');
        request.headers.set('content-length', '99');
      },
      'UploadPart',
      'http://127.0.0.1/v2/index.php?a=1',
      params,
      headers,
    );
    expect(seen).toEqual({ action: 'UploadPart', url: 'http://127.0.0.1/v2/index.php?a=1', frozen: true, params: { Signature: 's' } });
    expect(Object.isFrozen(params)).toBe(false);
    expect(headers.get('x-trace-id')).toBe('t1');
    expect(headers.get('content-type')).toBe('application/octet-stream');
    expect(headers.has('content-length')).toBe(false);
  });

  it('leaves the headers alone without a hook', async () => {
    const headers = new Headers({ 'content-length': '5' });
    await applyBeforeRequest(undefined, 'InitUpload', 'u', {}, headers);
    expect(headers.get('content-length')).toBe('5');
    expect(headers.has('content-type')).toBe(false);
  });
});
