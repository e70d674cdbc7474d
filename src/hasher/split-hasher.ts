/**
 * SHA-1 on one hasher and the part MD5s on another, side by side (`threads: 2` of the browser's
 * worker hasher). Each side reads the source itself, so a File is read twice (the second read
 * comes from the browser's cache); in exchange the two hashes, each about half the work, run on
 * two cores at once. Short files and single-scope jobs go to the first hasher alone.
 */
import { abortReason, checkHashInput } from './hash-blob.js';
import type { HashOptions, HashResult, Hasher } from './types.js';

/** Below this size a job runs on the first hasher alone: a second read and worker would not pay. */
export const SPLIT_MIN_BYTES = 16 * 1048576;

/** A hasher running SHA-1 on `sha1Side` and the part MD5s on `md5Side` at once, merging their results. */
export function createSplitHasher(sha1Side: Hasher, md5Side: Hasher, minBytes = SPLIT_MIN_BYTES): Hasher {
  return {
    async hash(blob, options) {
      checkHashInput(blob, options);
      const { signal, onProgress } = options;
      if (signal?.aborted) throw abortReason(signal);
      if ((options.only ?? 'all') !== 'all' || blob.size < minBytes) return sha1Side.hash(blob, options);
      // One side failing stops the other; the caller's abort stops both.
      const controller = new AbortController();
      const onAbort = (): void => controller.abort(signal ? abortReason(signal) : undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = [0, 0];
      let reported = 0;
      const side = (hasher: Hasher, index: 0 | 1, only: 'sha1' | 'partMd5s'): Promise<HashResult> => {
        const sideOptions: HashOptions = { ...options, only, signal: controller.signal };
        sideOptions.onProgress = (bytes) => {
          done[index] = bytes;
          const both = Math.min(done[0]!, done[1]!);
          if (both > reported) onProgress?.((reported = both));
        };
        return hasher.hash(blob, sideOptions).catch((error: unknown) => {
          controller.abort(error);
          throw error;
        });
      };
      try {
        const [sha1, md5] = await Promise.all([side(sha1Side, 0, 'sha1'), side(md5Side, 1, 'partMd5s')]);
        const fallbackReason = sha1.fallbackReason ?? md5.fallbackReason;
        return {
          ...sha1,
          partMd5s: md5.partMd5s,
          engine: sha1.engine === md5.engine ? sha1.engine : `${sha1.engine}+${md5.engine}`,
          runner: sha1.runner === 'worker' && md5.runner === 'worker' ? 'worker' : 'inline',
          threads: 2,
          ...(fallbackReason ? { fallbackReason } : {}),
        };
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
