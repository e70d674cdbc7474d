/**
 * The core loop: read a Blob once through its stream and feed every byte to the SHA-1 and to the
 * MD5 of the part it belongs to. Stream chunks never align with parts, so chunks are cut at part
 * boundaries.
 */
// errors.js directly, not protocol/index.js: the worker bundle must not pull in zod (~200 kB).
import { VodArgumentError } from '../protocol/errors.js';
import { chunkReader } from './chunk-reader.js';
import { partMd5Sink } from './part-md5s.js';
import type { HashEngine, HashOptions, HashResult, HashScope, HashSource } from './types.js';

/** Progress is reported at most once per this many bytes (and at every part end). */
const PROGRESS_STEP = 1 << 20;
/** Large stream chunks (Node hands a whole in-memory Blob as one) are hashed in slices of this size. */
const SLICE = 1 << 20;
/** Yield to the event loop after this much synchronous hashing, so an abort can get in. */
const YIELD_AFTER_MS = 40;

/** How the loop runs, for callers other than the page's hashers. */
export interface HashLoopOptions {
  /**
   * Yield after this many ms of hashing (default 40). A server worker whose every read is real
   * I/O passes `Infinity`: a timer's sleep there gives the core away under load, which cost a
   * measured 15–20 % of its speed, and the abort message gets in between reads anyway.
   */
  yieldAfterMs?: number | undefined;
  /**
   * Called with each chunk once it is hashed, before the next read (the pipeline's sender
   * transfers it: see pipe.ts). Chunks then fill the read buffer (2 MiB) but at the end.
   */
  forward?: ((chunk: Uint8Array) => Promise<void>) | undefined;
  /** A buffer to read into when the last one was transferred away (default a new one). */
  buffer?: (() => ArrayBuffer | undefined) | undefined;
}

/** The protocol's part sizes (PART_SIZES in protocol/schemas.ts, which imports zod); a test keeps them equal. */
export const HASH_PART_SIZES: readonly number[] = [524288, 1048576];

const HASH_SCOPES: readonly HashScope[] = ['all', 'sha1', 'partMd5s'];

function isHashSource(value: unknown): value is HashSource {
  if (typeof Blob !== 'undefined' && value instanceof Blob) return true;
  if (typeof value !== 'object' || value === null) return false;
  const { size, stream } = value as { size?: unknown; stream?: unknown };
  return typeof size === 'number' && Number.isSafeInteger(size) && size >= 0 && typeof stream === 'function';
}

/** Checks a job's options; throws a VodArgumentError naming the bad parameter. */
export function checkHashInput(blob: unknown, options: HashOptions): asserts blob is HashSource {
  if (!isHashSource(blob)) throw new VodArgumentError('blob', 'a Blob, a File, or { size, stream() }', blob);
  if (typeof options !== 'object' || options === null) {
    throw new VodArgumentError('options', 'an object with partSize', options);
  }
  if (!HASH_PART_SIZES.includes(options.partSize)) {
    throw new VodArgumentError('partSize', HASH_PART_SIZES.join(' or '), options.partSize);
  }
  if (options.only !== undefined && !HASH_SCOPES.includes(options.only)) {
    throw new VodArgumentError('only', HASH_SCOPES.join(', '), options.only);
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new VodArgumentError('onProgress', 'a function', options.onProgress);
  }
}

/** The reason an aborted signal rejects with: its own reason, or a standard AbortError. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The hash job was aborted', 'AbortError');
}

const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Hashes `blob` with `engine` on the calling thread, reading it exactly once.
 *
 * An empty Blob gives the SHA-1 of nothing and no parts (refusing empty files is the caller's
 * business). Rejects with the signal's reason when aborted, having cancelled the read.
 */
export async function hashBlob(
  blob: HashSource,
  engine: HashEngine,
  options: HashOptions,
  loop: HashLoopOptions = {},
): Promise<HashResult> {
  const yieldAfterMs = loop.yieldAfterMs ?? YIELD_AFTER_MS;
  checkHashInput(blob, options);
  const { partSize, signal, onProgress } = options;
  const only = options.only ?? 'all';
  if (signal?.aborted) throw abortReason(signal);

  const sha1 = only === 'partMd5s' ? undefined : engine.sha1();
  const md5 = only === 'sha1' ? undefined : partMd5Sink(engine, partSize, blob.size);
  let partFill = 0;
  let hashed = 0;
  let reported = 0;
  let partEnds = 0;
  let reportedPartEnds = 0;
  let lastYield = Date.now();

  const feed = (bytes: Uint8Array): void => {
    let pos = 0;
    while (pos < bytes.byteLength) {
      const take = Math.min(bytes.byteLength - pos, partSize - partFill);
      const piece = bytes.subarray(pos, pos + take);
      sha1?.update(piece);
      md5?.update(piece);
      pos += take;
      partFill += take;
      if (partFill === partSize) {
        md5?.endPart();
        partFill = 0;
        partEnds++;
      }
    }
    hashed += bytes.byteLength;
    if (onProgress && (hashed - reported >= PROGRESS_STEP || partEnds !== reportedPartEnds)) {
      reported = hashed;
      reportedPartEnds = partEnds;
      onProgress(hashed);
    }
  };

  const reader = chunkReader(blob.stream(), { nextBuffer: loop.buffer, fill: loop.forward !== undefined });
  // Cancelling resolves a pending read at once, so an abort never waits for slow I/O.
  const onAbort = (): void => {
    reader.cancel(signal ? abortReason(signal) : undefined).catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // Bounded by the Blob's size: a source that yields more than it declared is an error.
    for (;;) {
      const value = await reader.read();
      if (signal?.aborted) throw abortReason(signal);
      if (!value) break;
      for (let at = 0; at < value.byteLength; at += SLICE) {
        feed(value.subarray(at, Math.min(at + SLICE, value.byteLength)));
        if (hashed > blob.size) throw new DOMException('The Blob yielded more bytes than its size', 'NotReadableError');
        if (Date.now() - lastYield >= yieldAfterMs) {
          await nextTask();
          lastYield = Date.now();
          if (signal?.aborted) throw abortReason(signal);
        }
      }
      if (loop.forward) await loop.forward(value);
    }
  } catch (error) {
    reader.cancel(error).catch(() => undefined);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    reader.releaseLock();
  }
  if (hashed !== blob.size) {
    throw new DOMException(`The Blob yielded ${hashed} bytes, not its size ${blob.size}`, 'NotReadableError');
  }
  const partMd5s = md5 ? md5.finish() : [];
  if (onProgress && reported !== hashed) onProgress(hashed);
  return {
    sha1: sha1 ? sha1.digest() : '',
    partSize,
    partMd5s,
    engine: engine.name,
    bytesHashed: hashed,
    runner: 'inline',
  };
}
