/**
 * Reading a part's body exactly (src/emulator/body.ts), from a web stream (every runtime) and from
 * an async iterable (the Node server's IncomingMessage): too long is refused as soon as it shows,
 * the stream cancelled rather than read on; too short, broken or mis-declared bodies say so.
 */
import { describe, expect, it } from 'vitest';
import { readExactBody } from '../src/emulator/body.js';

const bytes = (...values: number[]) => Uint8Array.from(values);

/** A web stream of `chunks` that records how many were pulled and why it was cancelled. */
function stream(chunks: Uint8Array[], failAfter?: number) {
  const seen = { pulled: 0, cancels: 0, cancelled: undefined as unknown };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (failAfter !== undefined && seen.pulled === failAfter) {
          controller.error(new Error('connection lost'));
          return;
        }
        const next = chunks[seen.pulled++];
        if (next) controller.enqueue(next);
        else controller.close();
      },
      cancel(reason) {
        seen.cancels++;
        seen.cancelled = reason;
      },
    },
    { highWaterMark: 0 },
  );
  return { body, seen };
}

const request = (headers: Record<string, string> = {}) => new Request('http://127.0.0.1/v2/index.php', { method: 'POST', headers });

describe('readExactBody from a web stream', () => {
  it('keeps the chunks as they came (empty ones dropped) and reports each to onBytes', async () => {
    const first = bytes(1, 2);
    const second = bytes(3);
    const { body } = stream([first, new Uint8Array(0), second]);
    const counts: number[] = [];
    const result = await readExactBody(request(), 3, (count) => counts.push(count), body);
    expect(result).toEqual({ ok: true, chunks: [first, second] });
    if (result.ok) expect(result.chunks[0]).toBe(first);
    expect(counts).toEqual([2, 0, 1]);
  });

  it('a body longer than expected is refused at the chunk that overflows, and the stream is cancelled', async () => {
    const { body, seen } = stream([bytes(1, 2), bytes(3, 4), bytes(5), bytes(6)]);
    expect(await readExactBody(request(), 3, undefined, body)).toEqual({ ok: false, reason: 'long', received: 4 });
    expect(seen.pulled).toBe(2);
    expect(seen.cancelled).toBe('body longer than declared');
  });

  it('exactly the expected size is taken; one byte short is short', async () => {
    expect((await readExactBody(request(), 4, undefined, stream([bytes(1, 2), bytes(3, 4)]).body)).ok).toBe(true);
    expect(await readExactBody(request(), 5, undefined, stream([bytes(1, 2), bytes(3, 4)]).body)).toEqual({
      ok: false,
      reason: 'short',
      received: 4,
    });
  });

  it('a stream that breaks is "broken", with what arrived before', async () => {
    expect(await readExactBody(request(), 10, undefined, stream([bytes(1, 2, 3)], 1).body)).toEqual({
      ok: false,
      reason: 'broken',
      received: 3,
    });
  });
});

describe('readExactBody and Content-Length', () => {
  it('a declared length other than expected is refused before a byte is read: long or short', async () => {
    const long = stream([bytes(1)]);
    const longRequest = new Request('http://127.0.0.1/', {
      method: 'POST',
      body: long.body,
      headers: { 'Content-Length': '9' },
      duplex: 'half',
    } as RequestInit);
    expect(await readExactBody(longRequest, 4)).toEqual({ ok: false, reason: 'long', received: 0 });
    expect(long.seen.pulled).toBe(0);
    expect(long.seen.cancels).toBe(1);
    expect(await readExactBody(request({ 'Content-Length': '3' }), 4, undefined, stream([bytes(1)]).body)).toEqual({
      ok: false,
      reason: 'short',
      received: 0,
    });
  });

  it('a declared length that is not a plain number is left to the bytes themselves', async () => {
    for (const declared of ['4.0', '+4', '12345678901234567']) {
      const result = await readExactBody(request({ 'Content-Length': declared }), 2, undefined, stream([bytes(1, 2)]).body);
      expect(result.ok, declared).toBe(true);
    }
  });

  it('no body at all is right only when nothing is expected', async () => {
    expect(await readExactBody(request(), 0, undefined, null)).toEqual({ ok: true, chunks: [] });
    expect(await readExactBody(request(), 5, undefined, null)).toEqual({ ok: false, reason: 'short', received: 0 });
  });
});

describe('readExactBody from an async iterable', () => {
  it('reads it like a stream, and stops it (return) when it overflows', async () => {
    let returned = false;
    let yielded = 0;
    const source: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]() {
        const chunks = [bytes(1, 2), bytes(3, 4), bytes(5)];
        return {
          next: async () => (yielded < chunks.length ? { done: false, value: chunks[yielded++]! } : { done: true, value: undefined }),
          return: async () => {
            returned = true;
            return { done: true, value: undefined };
          },
        };
      },
    };
    expect(await readExactBody(request(), 3, undefined, source)).toEqual({ ok: false, reason: 'long', received: 4 });
    expect(returned).toBe(true);
    expect(yielded).toBe(2);
  });
});
