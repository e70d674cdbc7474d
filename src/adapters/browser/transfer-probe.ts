/**
 * Whether handing a buffer to another thread over a MessageChannel is cheap here: the two-worker
 * pipeline transfers every 2 MiB chunk from one worker to the other and back. Measured, not
 * assumed: Chromium and WebKit moved 2 MiB round trip in 0-1 ms, Firefox 153 in 4-80 ms (its
 * ports copy the bytes), which made the pipeline 3x slower than one worker there. The probe moves
 * 8 MiB (Chromium 0-0.6 ms, Firefox 34-300 ms: copying grows with the size, a transfer does not),
 * the best of three round trips on the page's own channel, once per page.
 */

/** Bytes moved by each probe: large enough that a copy cannot pass for a transfer. */
const PROBE_BYTES = 8 * 1048576;
/** A round trip slower than this means the bytes were copied (a zero-copy one is well under 1 ms). */
const CHEAP_MS = 5;

let probed: Promise<boolean> | undefined;

/** Resolves true where an 8 MiB buffer goes over a MessageChannel and back within {@link CHEAP_MS}. */
export function transfersAreCheap(): Promise<boolean> {
  probed ??= probe().catch(() => false);
  return probed;
}

async function probe(): Promise<boolean> {
  if (typeof MessageChannel !== 'function' || typeof performance === 'undefined') return false;
  const { port1, port2 } = new MessageChannel();
  port2.onmessage = (event: MessageEvent<ArrayBuffer>) => port2.postMessage(event.data, [event.data]);
  let buffer = new ArrayBuffer(PROBE_BYTES);
  let best = Infinity;
  try {
    for (let round = 0; round < 3 && best >= CHEAP_MS; round++) {
      const started = performance.now();
      // Bounded: a channel that never answers must not hold the hash job (it then runs on one worker).
      let timer: ReturnType<typeof setTimeout> | undefined;
      const back = await new Promise<ArrayBuffer | undefined>((resolve) => {
        port1.onmessage = (event: MessageEvent<ArrayBuffer>) => resolve(event.data);
        timer = setTimeout(() => resolve(undefined), 1000);
        port1.postMessage(buffer, [buffer]);
      });
      clearTimeout(timer);
      if (!back) return false;
      buffer = back;
      best = Math.min(best, performance.now() - started);
    }
  } finally {
    port1.close();
    port2.close();
  }
  return best < CHEAP_MS;
}
