/**
 * Bounded body reading: a request body is read with a counter and the stream is cancelled as soon
 * as it exceeds what was declared, so an oversized body is refused without being read whole.
 */

export type BodyResult =
  /** The body as the chunks it arrived in: kept, not copied into one array. */
  | { ok: true; chunks: Uint8Array[] }
  | { ok: false; reason: 'long' | 'short' | 'broken'; received: number };

/**
 * Reads exactly `expected` bytes of a request body. `onBytes` is told about every chunk read
 * (for the request log).
 */
export async function readExactBody(request: Request, expected: number, onBytes: (count: number) => void = () => {}): Promise<BodyResult> {
  const declared = request.headers.get('Content-Length');
  // A Content-Length that already says "wrong size" is refused before a byte is read.
  if (declared !== null && /^[0-9]{1,16}$/.test(declared) && Number(declared) !== expected) {
    await request.body?.cancel().catch(() => undefined);
    return { ok: false, reason: Number(declared) > expected ? 'long' : 'short', received: 0 };
  }
  const chunks: Uint8Array[] = [];
  if (!request.body) return expected === 0 ? { ok: true, chunks } : { ok: false, reason: 'short', received: 0 };
  const reader = request.body.getReader();
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onBytes(value.length);
      if (received + value.length > expected) {
        await reader.cancel('body longer than declared').catch(() => undefined);
        return { ok: false, reason: 'long', received: received + value.length };
      }
      if (value.length > 0) chunks.push(value);
      received += value.length;
    }
  } catch {
    return { ok: false, reason: 'broken', received };
  } finally {
    reader.releaseLock();
  }
  return received === expected ? { ok: true, chunks } : { ok: false, reason: 'short', received };
}

