/**
 * What an injected fault does to one protocol request: answer instead of working, wait, cut the
 * connection at some point of the body, or garble the real answer.
 */
import { answer, corsHeaders, textResponse, type Answer } from './answer.js';
import { connectionResetResponse } from './connection-reset.js';
import type { Fault } from './faults.js';

export interface FaultHandling {
  request: Request;
  /** Resolves when the emulator closes (ends hangs, stalls and delays). */
  closed: Promise<void>;
  /** Handles the request normally (the action runs, the answer is logged). */
  proceed: () => Promise<Response>;
  /** Logs and writes a protocol answer. */
  answerWith: (value: Answer) => Response;
  /** Logs a request whose answer is not a protocol answer. */
  logRaw: () => void;
}

/** A body bigger than any part is not drained to its end. */
const MAX_DRAIN_BYTES = 2 * 1024 * 1024;

/** Applies `fault` to the request; resolves with what to send (maybe a connection reset). */
export async function applyFault(fault: Fault, handling: FaultHandling): Promise<Response> {
  const { request, closed, proceed, answerWith, logRaw } = handling;
  switch (fault.kind) {
    case 'answer':
      if (fault.drain) await readBody(request, MAX_DRAIN_BYTES);
      return answerWith(answer(fault.code, fault.message ?? 'injected fault', fault.canRetry === true || fault.canRetry === 1 ? 1 : 0));
    case 'http': {
      if (fault.drain) await readBody(request, MAX_DRAIN_BYTES);
      logRaw();
      const headers = corsHeaders(request);
      headers.set('Content-Type', fault.contentType ?? 'text/html; charset=utf-8');
      return new Response(fault.body ?? '', { status: fault.status, headers });
    }
    case 'delay':
      // Not cut short by the client going away: the request is then handled as it would be late.
      await waitUntil(fault.ms, undefined, closed);
      return proceed();
    case 'hang':
      logRaw();
      // Read (and drop) the body meanwhile: a socket nobody reads never notices the client left,
      // and the request would then hang until the emulator closes.
      void readBody(request, MAX_DRAIN_BYTES);
      await waitUntil(Infinity, request, closed);
      return textResponse(503, 'emulator closed', request);
    case 'stall':
      if (fault.readBytes) await readBody(request, fault.readBytes);
      logRaw();
      await waitUntil(fault.ms, request, closed);
      return connectionResetResponse(corsHeaders(request));
    case 'reset':
      if (fault.when === 'after') {
        const response = await proceed();
        await response.body?.cancel().catch(() => undefined);
      } else {
        if (fault.when === 'during') await readBody(request, Math.floor(declaredLength(request) / 2));
        logRaw();
      }
      return connectionResetResponse(corsHeaders(request));
    case 'truncated': {
      const response = await proceed();
      const text = await response.text();
      return new Response(text.slice(0, Math.ceil(text.length / 2)), { status: response.status, headers: response.headers });
    }
    case 'notJson': {
      await readBody(request, MAX_DRAIN_BYTES);
      logRaw();
      const headers = corsHeaders(request);
      headers.set('Content-Type', 'text/plain; charset=utf-8');
      return new Response('OK', { status: 200, headers });
    }
  }
}

function declaredLength(request: Request): number {
  const value = Number(request.headers.get('Content-Length') ?? NaN);
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/** Reads (and drops) the body until `limit` bytes were read or it ends; a broken body just ends it. */
async function readBody(request: Request, limit: number): Promise<void> {
  if (!request.body || request.bodyUsed) return;
  const reader = request.body.getReader();
  let received = 0;
  try {
    while (received < limit) {
      const { done, value } = await reader.read();
      if (done) return;
      received += value.byteLength;
    }
  } catch {
    // The client went away: nothing left to read.
  } finally {
    reader.releaseLock();
  }
}

/** Waits `ms`, or until the emulator closes or the client (if given) gives up, whichever comes first. */
function waitUntil(ms: number, request: Request | undefined, closed: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const timer = Number.isFinite(ms) ? setTimeout(resolve, ms) : undefined;
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    void closed.then(done);
    if (!request) return;
    if (request.signal.aborted) done();
    request.signal.addEventListener('abort', done, { once: true });
  });
}
