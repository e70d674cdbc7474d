/**
 * The browser's two-worker pipeline, worker side: the worker holding the `send` end reads the
 * file once, hashes its share of each chunk and transfers the chunk (zero-copy) to the worker
 * holding the `receive` end, which hashes its share and transfers the buffer back for the next
 * read. At most {@link PIPE_BUFFERS} chunks are in flight (backpressure: memory stays flat).
 *
 * Why this split: profiling the one-worker loop in Chromium (bench/browser/profile-worker.ts)
 * gave SHA-1 55 % of its time (about 40 % once its schedule ran on SIMD, sha1-simd-wasm.ts), the
 * four-lane part MD5s about 20 %, the wait for reads the rest. SHA-1 is one serial chain, so it
 * gets a worker to itself; the reader, which also pays for reading, computes the part MD5s.
 */
import { hashBlob } from './hash-blob.js';
import type { HashEngine, HashOptions, HashResult, HashSource } from './types.js';

/** Chunks (of up to 2 MiB, see chunk-reader.ts) in flight between the two workers at most. */
export const PIPE_BUFFERS = 4;

/** Sender → receiver messages. */
type Forward = { type: 'chunk'; buffer: ArrayBuffer; length: number } | { type: 'end'; bytes: number } | { type: 'error'; message: string };
/** Receiver → sender: a buffer to read into again. */
type Back = { type: 'buffer'; buffer: ArrayBuffer };

/** Reads `blob` on this worker with `hashBlob`, forwarding every chunk through `port`. */
export async function sendThroughPipe(blob: HashSource, engine: HashEngine, options: HashOptions, port: MessagePort): Promise<HashResult> {
  const spare: ArrayBuffer[] = [];
  let inFlight = 0;
  let wake: (() => void) | undefined;
  port.onmessage = (event: MessageEvent<Back>) => {
    inFlight--;
    // Reads go into returned buffers; more than the chunks in flight would only be held.
    if (event.data?.type === 'buffer' && spare.length < PIPE_BUFFERS) spare.push(event.data.buffer);
    wake?.();
  };
  const slot = async (): Promise<void> => {
    // Woken by a returned buffer or by the abort (which cancels the read that follows).
    const onAbort = (): void => wake?.();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      while (inFlight >= PIPE_BUFFERS && !options.signal?.aborted) await new Promise<void>((resolve) => (wake = resolve));
    } finally {
      wake = undefined;
      options.signal?.removeEventListener('abort', onAbort);
    }
  };
  const forward = async (chunk: Uint8Array): Promise<void> => {
    await slot();
    // A view of a bigger or shared buffer is copied: transferring it would detach bytes not ours.
    const whole = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer;
    const buffer = whole ? (chunk.buffer as ArrayBuffer) : chunk.slice().buffer;
    inFlight++;
    port.postMessage({ type: 'chunk', buffer, length: chunk.byteLength } satisfies Forward, [buffer]);
  };
  try {
    const result = await hashBlob(blob, engine, options, { forward, buffer: () => spare.pop() });
    port.postMessage({ type: 'end', bytes: result.bytesHashed } satisfies Forward);
    return { ...result, piped: true };
  } catch (error) {
    port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies Forward);
    throw error;
  } finally {
    port.onmessage = null;
    port.close();
  }
}

/** Hashes the `size` bytes arriving through `port` (sent by {@link sendThroughPipe}) on this worker. */
export async function hashFromPipe(size: number, engine: HashEngine, options: HashOptions, port: MessagePort): Promise<HashResult> {
  const queue: Forward[] = [];
  let wake: (() => void) | undefined;
  port.onmessage = (event: MessageEvent<Forward>) => {
    queue.push(event.data);
    wake?.();
  };
  /** The buffer of the chunk handed out last: the hash loop is done with it when it asks for the next. */
  let lent: ArrayBuffer | undefined;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (lent) port.postMessage({ type: 'buffer', buffer: lent } satisfies Back, [lent]);
        lent = undefined;
        while (queue.length === 0 && !cancelled) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        const message = queue.shift();
        if (!message) return;
        if (message.type === 'chunk') {
          lent = message.buffer;
          controller.enqueue(new Uint8Array(message.buffer, 0, message.length));
        } else if (message.type === 'end') {
          controller.close();
        } else {
          controller.error(new DOMException(`the reading worker failed: ${message.message}`, 'NotReadableError'));
        }
      },
      cancel() {
        cancelled = true;
        port.close();
        wake?.();
      },
    },
    { highWaterMark: 0 },
  );
  try {
    // Every chunk is a message: an abort from the page gets in between them, no timer needed.
    const result = await hashBlob({ size, stream: () => stream }, engine, options, { yieldAfterMs: Infinity });
    return { ...result, piped: true };
  } finally {
    port.onmessage = null;
    port.close();
  }
}
