/**
 * Bounded body reading: a request body is read with a counter and the stream is cancelled as soon
 * as it exceeds what was declared, so an oversized body is refused without being read whole.
 */

export type BodyResult =
  /** The body as the chunks it arrived in: kept, not copied into one array. */
  { ok: true; chunks: Uint8Array[] } | { ok: false; reason: 'long' | 'short' | 'broken'; received: number };

/**
 * Where a body's bytes come from: the request's web stream, or (on the Node server) the
 * underlying `IncomingMessage`, which skips the web-stream adapter and its cost per chunk.
 */
export type BodySource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null;

/**
 * Reads exactly `expected` bytes of a request body. `onBytes` is told about every chunk read
 * (for the request log).
 */
export async function readExactBody(
  request: Request,
  expected: number,
  onBytes: (count: number) => void = () => {},
  source: BodySource = request.body,
): Promise<BodyResult> {
  const declared = request.headers.get('Content-Length');
  // A Content-Length that already says "wrong size" is refused before a byte is read.
  if (declared !== null && /^[0-9]{1,16}$/.test(declared) && Number(declared) !== expected) {
    await request.body?.cancel().catch(() => undefined);
    return { ok: false, reason: Number(declared) > expected ? 'long' : 'short', received: 0 };
  }
  const chunks: Uint8Array[] = [];
  if (!source) return expected === 0 ? { ok: true, chunks } : { ok: false, reason: 'short', received: 0 };
  const iterator = source instanceof ReadableStream ? readerChunks(source) : source[Symbol.asyncIterator]();
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await iterator.next();
      if (done) break;
      onBytes(value.length);
      if (received + value.length > expected) {
        await iterator.return?.().catch(() => undefined);
        return { ok: false, reason: 'long', received: received + value.length };
      }
      if (value.length > 0) chunks.push(value);
      received += value.length;
    }
  } catch {
    return { ok: false, reason: 'broken', received };
  }
  return received === expected ? { ok: true, chunks } : { ok: false, reason: 'short', received };
}

/** A web stream's chunks; returning early cancels the stream. */
function readerChunks(stream: ReadableStream<Uint8Array>): AsyncIterator<Uint8Array> {
  const reader = stream.getReader();
  return {
    async next() {
      try {
        const { done, value } = await reader.read();
        if (done) reader.releaseLock();
        return done ? { done: true, value: undefined } : { done: false, value };
      } catch (error) {
        reader.releaseLock();
        throw error;
      }
    },
    async return() {
      await reader.cancel('body longer than declared').catch(() => undefined);
      reader.releaseLock();
      return { done: true, value: undefined };
    },
  };
}
