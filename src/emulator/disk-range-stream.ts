/**
 * Byte ranges of a stored file as a stream, read from one or more on-disk segments (one blob, or
 * the part files of a file kept as parts). One handle is open at a time, and it is closed when
 * the range ends, fails or is cancelled.
 */
import type { FileHandle } from 'node:fs/promises';

const READ_CHUNK = 256 * 1024;

/** Where the file's bytes from `offset` to `offset + length` are: in `handle`, from `dataStart`. */
export interface Segment {
  readonly handle: FileHandle;
  readonly offset: number;
  readonly length: number;
  readonly dataStart: number;
  /** The error when the segment holds fewer bytes than it announces. */
  readonly shortMessage: string;
}

/**
 * Bytes `start` (inclusive) to `end` (exclusive), read from the segment `segmentAt(position)`
 * opens for each position the previous segment does not cover.
 */
export function rangeStream(start: number, end: number, segmentAt: (position: number) => Promise<Segment>): ReadableStream<Uint8Array> {
  let position = start;
  let current: Segment | undefined;
  const release = async (): Promise<void> => {
    const handle = current?.handle;
    current = undefined;
    await handle?.close().catch(() => undefined);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (position >= end) {
            await release();
            controller.close();
            return;
          }
          if (!current || position >= current.offset + current.length) {
            await release();
            current = await segmentAt(position);
          }
          const length = Math.min(READ_CHUNK, end - position, current.offset + current.length - position);
          const { bytesRead, buffer } = await current.handle.read(
            new Uint8Array(length),
            0,
            length,
            current.dataStart + (position - current.offset),
          );
          if (bytesRead === 0) throw new Error(current.shortMessage);
          position += bytesRead;
          controller.enqueue(buffer.subarray(0, bytesRead));
        } catch (error) {
          await release();
          controller.error(error);
        }
      },
      async cancel() {
        await release();
      },
    },
    // No read-ahead: a segment is opened on the first read, so a stream never read holds no file.
    { highWaterMark: 0 },
  );
}
