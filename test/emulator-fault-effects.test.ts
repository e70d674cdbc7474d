/**
 * applyFault (src/emulator/fault-effects.ts) on its own, with a hand-made request whose body counts
 * the bytes pulled from it: how much of the body each fault reads, what it answers, and which of
 * the handling's callbacks it uses.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Answer } from '../src/emulator/answer.js';
import { isConnectionReset } from '../src/emulator/connection-reset.js';
import { applyFault, type FaultHandling } from '../src/emulator/fault-effects.js';
import type { Fault } from '../src/emulator/faults.js';

const KiB = 1024;
const CHUNK = 256;

interface Handled {
  handling: FaultHandling;
  /** Bytes pulled from the body so far. */
  pulled: () => number;
  proceed: ReturnType<typeof vi.fn<() => Promise<Response>>>;
  answerWith: ReturnType<typeof vi.fn<(value: Answer) => Response>>;
  logRaw: ReturnType<typeof vi.fn<() => void>>;
  /** Whether the body of the response `proceed` gave was cancelled. */
  proceededCancelled: () => boolean;
}

/**
 * A request with a body of `size` bytes given in chunks of 256, pulled only on demand (no read
 * ahead), and `contentLength` as its Content-Length header (none when null).
 */
function handled(size: number, contentLength: string | null = String(size)): Handled {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= size) return controller.close();
        const length = Math.min(CHUNK, size - pulled);
        pulled += length;
        controller.enqueue(new Uint8Array(length));
      },
    },
    { highWaterMark: 0 },
  );
  const headers = new Headers();
  if (contentLength !== null) headers.set('Content-Length', contentLength);
  const request = new Request('http://127.0.0.1/v2/index.php?Action=UploadPart', {
    method: 'POST',
    body,
    headers,
    duplex: 'half',
  } as RequestInit);
  let cancelled = false;
  const proceed = vi.fn(
    async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          cancel() {
            cancelled = true;
          },
        }),
        { status: 200 },
      ),
  );
  const answerWith = vi.fn((value: Answer) => Response.json(value));
  const logRaw = vi.fn(() => {});
  const handling: FaultHandling = { request, closed: new Promise<void>(() => {}), proceed, answerWith, logRaw };
  return { handling, pulled: () => pulled, proceed, answerWith, logRaw, proceededCancelled: () => cancelled };
}

describe('answer faults', () => {
  it.each([
    [true, 1],
    [1, 1],
    [false, 0],
    [0, 0],
  ] as const)('canRetry %j answers canRetry %i', async (canRetry, expected) => {
    const run = handled(1000);
    const response = await applyFault({ kind: 'answer', code: 4500, canRetry }, run.handling);
    expect(run.answerWith).toHaveBeenCalledTimes(1);
    expect(run.answerWith).toHaveBeenCalledWith({ code: 4500, message: 'injected fault', canRetry: expected });
    expect(await response.json()).toEqual({ code: 4500, message: 'injected fault', canRetry: expected });
    expect(run.proceed).not.toHaveBeenCalled();
  });

  it('answers before reading the body, or after reading it all with drain', async () => {
    const early = handled(4 * KiB);
    await applyFault({ kind: 'answer', code: 6000, canRetry: 1, message: 'no' }, early.handling);
    expect(early.pulled()).toBe(0);
    expect(early.answerWith).toHaveBeenCalledWith({ code: 6000, message: 'no', canRetry: 1 });
    const drained = handled(4 * KiB);
    await applyFault({ kind: 'answer', code: 6000, canRetry: 1, drain: true }, drained.handling);
    expect(drained.pulled()).toBe(4 * KiB);
  });
});

describe('reset faults', () => {
  it("'during' reads half the declared Content-Length, logs, then resets without doing the work", async () => {
    const run = handled(4 * KiB);
    const response = await applyFault({ kind: 'reset', when: 'during' }, run.handling);
    expect(run.pulled()).toBe(2 * KiB);
    expect(isConnectionReset(response)).toBe(true);
    expect(run.logRaw).toHaveBeenCalledTimes(1);
    expect(run.proceed).not.toHaveBeenCalled();
    expect(run.answerWith).not.toHaveBeenCalled();
  });

  it("'during' stops at the first chunk that reaches half, not one chunk later", async () => {
    // Half of 1000 is 500: two chunks of 256 reach it.
    const run = handled(1000);
    await applyFault({ kind: 'reset', when: 'during' }, run.handling);
    expect(run.pulled()).toBe(2 * CHUNK);
  });

  it("'before' resets without reading a byte; 'after' does the work first, drops its answer, and resets", async () => {
    const before = handled(4 * KiB);
    expect(isConnectionReset(await applyFault({ kind: 'reset', when: 'before' }, before.handling))).toBe(true);
    expect(before.pulled()).toBe(0);
    expect(before.logRaw).toHaveBeenCalledTimes(1);
    expect(before.proceed).not.toHaveBeenCalled();

    const after = handled(4 * KiB);
    expect(isConnectionReset(await applyFault({ kind: 'reset', when: 'after' }, after.handling))).toBe(true);
    expect(after.proceed).toHaveBeenCalledTimes(1);
    expect(after.proceededCancelled()).toBe(true);
    // The action (here a stub) reads the body and logs; the fault itself does neither.
    expect(after.pulled()).toBe(0);
    expect(after.logRaw).not.toHaveBeenCalled();
  });

  it.each([
    ['missing', null],
    ['not a number', 'lots'],
    ['negative', '-4096'],
    ['zero', '0'],
    ['fractional', '4096.5'],
    ['past the safe integers', '9007199254740993'],
    ['in exponent form and huge', '1e20'],
  ])("'during' with a Content-Length that is %s counts it as 0: nothing is read", async (_, contentLength) => {
    const run = handled(4 * KiB, contentLength);
    const response = await applyFault({ kind: 'reset', when: 'during' }, run.handling);
    expect(run.pulled()).toBe(0);
    expect(isConnectionReset(response)).toBe(true);
    expect(run.logRaw).toHaveBeenCalledTimes(1);
  });

  it("'during' with a Content-Length over the body's size reads the body to its end and no further", async () => {
    const run = handled(1000, String(8 * KiB));
    await applyFault({ kind: 'reset', when: 'during' }, run.handling);
    expect(run.pulled()).toBe(1000);
  });
});

describe('stall faults', () => {
  it('read exactly readBytes (whole chunks, stopping at the first that reaches it), log, then reset', async () => {
    for (const [readBytes, expected] of [
      [1024, 1024],
      [1000, 1024],
      [256, 256],
      [1, 256],
    ] as const) {
      const run = handled(4 * KiB);
      const response = await applyFault({ kind: 'stall', ms: 0, readBytes }, run.handling);
      expect(run.pulled(), String(readBytes)).toBe(expected);
      expect(isConnectionReset(response)).toBe(true);
      expect(run.logRaw).toHaveBeenCalledTimes(1);
    }
    const none = handled(4 * KiB);
    await applyFault({ kind: 'stall', ms: 0 }, none.handling);
    expect(none.pulled()).toBe(0);
  });
});

describe('other faults', () => {
  it('http drains the body when asked, logs, and answers the raw page', async () => {
    const run = handled(4 * KiB);
    const response = await applyFault({ kind: 'http', status: 502, body: '<h1>bad</h1>', drain: true }, run.handling);
    expect(run.pulled()).toBe(4 * KiB);
    expect(run.logRaw).toHaveBeenCalledTimes(1);
    expect(response.status).toBe(502);
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toBe('<h1>bad</h1>');
  });

  it('notJson reads the body, then answers a 200 that is not JSON', async () => {
    const run = handled(4 * KiB);
    const response = await applyFault({ kind: 'notJson' }, run.handling);
    expect(run.pulled()).toBe(4 * KiB);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('OK');
  });

  it('truncated sends the first half of the real answer, rounded up', async () => {
    const run = handled(0);
    run.proceed.mockResolvedValueOnce(new Response('{"code":0}', { status: 200 }));
    const fault: Fault = { kind: 'truncated' };
    expect(await (await applyFault(fault, run.handling)).text()).toBe('{"cod');
    run.proceed.mockResolvedValueOnce(new Response('abc', { status: 200 }));
    expect(await (await applyFault(fault, run.handling)).text()).toBe('ab');
  });
});
