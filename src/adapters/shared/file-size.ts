/**
 * The one size rule every runtime's `openFile` applies: a file of 2^53 bytes or more cannot be
 * described by a JavaScript number (offsets would silently round), so it is refused up front.
 */
import { VodArgumentError } from '../../protocol/errors.js';

/** Throws a {@link VodArgumentError} naming `path` unless `size` is an exact byte count below 2^53. */
export function assertUploadableSize(path: string, size: number | bigint): number {
  const exact = typeof size === 'bigint' ? (size <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(size) : Number.NaN) : size;
  if (!Number.isSafeInteger(exact) || exact < 0) {
    throw new VodArgumentError('path', `a file smaller than 2^53 bytes (${path} has ${String(size)})`);
  }
  return exact;
}
