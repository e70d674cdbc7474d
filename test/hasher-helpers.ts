/** Shared helpers for the hasher tests (not a test file). */
import { createHash, randomFillSync } from 'node:crypto';

export function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65536) randomFillSync(bytes, at, Math.min(65536, size - at));
  return bytes;
}

/** The expected answer, computed independently with node:crypto on the whole buffer. */
export function expected(bytes: Uint8Array, partSize: number): { sha1: string; partMd5s: string[] } {
  const sha1 = createHash('sha1').update(bytes).digest('hex');
  const partMd5s: string[] = [];
  for (let at = 0; at < bytes.byteLength; at += partSize) {
    partMd5s.push(
      createHash('md5')
        .update(bytes.subarray(at, at + partSize))
        .digest('hex'),
    );
  }
  return { sha1, partMd5s };
}

/** A Blob made of odd-sized pieces, so stream chunks never line up with part boundaries. */
export function oddBlob(bytes: Uint8Array<ArrayBuffer>): Blob {
  const sizes = [1, 777, 65_537, 4093, 300_001, 12, 524_289, 131_071];
  const pieces: Uint8Array<ArrayBuffer>[] = [];
  for (let at = 0, i = 0; at < bytes.byteLength; i++) {
    const size = sizes[i % sizes.length] ?? 1;
    pieces.push(bytes.subarray(at, at + size));
    at += size;
  }
  return new Blob(pieces);
}

/**
 * A Blob whose stream hands out `chunk` bytes per pull after a short delay and counts what it
 * handed out, to prove that reading stops on abort.
 */
export class SlowBlob extends Blob {
  pulled = 0;
  /** Set when the reader cancelled the stream (a read in flight then hands out nothing). */
  cancelled = false;
  private readonly total: number;
  #stalled!: () => void;
  /** Resolves when a read started that will never finish (see `stallAt`). */
  readonly stalled = new Promise<void>((resolve) => (this.#stalled = resolve));
  /**
   * @param stallAt once this many bytes were read, the next read never finishes (until cancelled):
   *   a reader that awaits it instead of cancelling it never settles.
   */
  constructor(
    total: number,
    private readonly chunk = 65536,
    private readonly delayMs = 2,
    private readonly stallAt = Infinity,
  ) {
    super([]);
    this.total = total;
  }
  override get size(): number {
    return this.total;
  }
  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return new ReadableStream<Uint8Array<ArrayBuffer>>(
      {
        pull: async (controller) => {
          if (this.pulled >= this.stallAt) {
            this.#stalled();
            return new Promise<void>(() => undefined);
          }
          await new Promise((resolve) => setTimeout(resolve, this.delayMs));
          if (this.cancelled) return;
          const size = Math.min(this.chunk, this.total - this.pulled);
          if (size <= 0) return controller.close();
          this.pulled += size;
          controller.enqueue(new Uint8Array(size).fill(this.pulled & 0xff));
        },
        cancel: () => {
          this.cancelled = true;
        },
      },
      { highWaterMark: 0 }, // pull only when the reader asks: `pulled` is what was read
    );
  }
}
