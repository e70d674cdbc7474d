/**
 * The MD5 side of a hash job: the bytes of each part, in order, become the part's MD5. A file of
 * several whole groups goes through the engine's {@link PartMd5Batch} where it has one (parts
 * hashed side by side); the parts of the last, incomplete group and short files through its MD5.
 */
import type { HashEngine, PartMd5Batch } from './types.js';

/** Collects the part MD5s of one job. Callers cut the bytes at part ends. */
export interface PartMd5Sink {
  /** Bytes of the current part (never crossing its end). */
  update(piece: Uint8Array): void;
  /** The current part is complete. */
  endPart(): void;
  /** The MD5 of every part, the last (short) one included. */
  finish(): string[];
}

/** A sink for a job reading `size` bytes in parts of `partSize`. */
export function partMd5Sink(engine: HashEngine, partSize: number, size: number): PartMd5Sink {
  const md5 = engine.md5();
  const digests: string[] = [];
  let fill = 0;
  const batch: PartMd5Batch | undefined = size >= 4 * partSize ? engine.partMd5Batch?.(partSize) : undefined;
  if (!batch) {
    return {
      update(piece) {
        md5.update(piece);
        fill += piece.byteLength;
      },
      endPart() {
        digests.push(md5.digest());
        fill = 0;
      },
      finish() {
        if (fill > 0) this.endPart();
        return digests;
      },
    };
  }
  let lane = 0;
  return {
    update(piece) {
      batch.lane(lane).set(piece, fill);
      fill += piece.byteLength;
    },
    endPart() {
      fill = 0;
      if (++lane < batch.lanes) return;
      digests.push(...batch.digest());
      lane = 0;
    },
    finish() {
      // The incomplete group: its whole parts, then the short one.
      for (let index = 0; index < lane; index++) {
        md5.update(batch.lane(index));
        digests.push(md5.digest());
      }
      if (fill > 0) {
        md5.update(batch.lane(lane).subarray(0, fill));
        digests.push(md5.digest());
      }
      return digests;
    },
  };
}
