/**
 * SHA-1 on one hasher and the part MD5s on another, side by side (the browser worker hasher's
 * `threads: 2`). Piped (the default there): the MD5 side's worker reads the file once and hands
 * each chunk to the SHA-1 side's worker through a MessageChannel (pipe.ts). Unpiped, each side
 * reads the source itself, so a File is read twice. Short files and single-scope jobs go to the
 * first hasher alone.
 */
import { abortReason, checkHashInput } from './hash-blob.js';
import type { HashOptions, HashResult, Hasher, PipeEnd } from './types.js';

/** Below this size a job runs on the first hasher alone: a second worker would not pay. */
export const SPLIT_MIN_BYTES = 16 * 1048576;

/** How {@link createSplitHasher} splits a job. */
export interface SplitOptions {
  /** Jobs below this size run on the first hasher alone (default {@link SPLIT_MIN_BYTES}). */
  minBytes?: number | undefined;
  /** Read once, on the MD5 side, and pipe the bytes to the SHA-1 side (both must be worker hashers). */
  pipe?: boolean | undefined;
}

type Side = 0 | 1;
interface Attempt {
  stop?: AbortController;
  unpiped?: unknown;
}
const SCOPES = ['sha1', 'partMd5s'] as const;

/** A hasher running SHA-1 on `sha1Side` and the part MD5s on `md5Side` at once, merging their results. */
export function createSplitHasher(sha1Side: Hasher, md5Side: Hasher, split: SplitOptions | number = {}): Hasher {
  const { minBytes = SPLIT_MIN_BYTES, pipe = false } = typeof split === 'number' ? { minBytes: split } : split;
  const sides = [sha1Side, md5Side] as const;
  return {
    async hash(blob, options) {
      checkHashInput(blob, options);
      const { signal, onProgress } = options;
      if (signal?.aborted) throw abortReason(signal);
      if ((options.only ?? 'all') !== 'all' || blob.size < minBytes) return sha1Side.hash(blob, options);
      // The caller's abort or one side's failure stops both.
      const controller = new AbortController();
      const onAbort = (): void => controller.abort(signal ? abortReason(signal) : undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
      const channel = pipe && typeof MessageChannel === 'function' ? new MessageChannel() : undefined;
      const pipes: [PipeEnd | undefined, PipeEnd | undefined] = channel
        ? [
            { port: channel.port2, role: 'receive' },
            { port: channel.port1, role: 'send' },
          ]
        : [undefined, undefined];
      /** Per side: what stops its current attempt, and the reason meaning "run again, unpiped". */
      const attempts: [Attempt, Attempt] = [{}, {}];
      const done = [0, 0];
      let reported = 0;

      // A side that ran without the pipe (inline, or moved to another worker) leaves the other
      // side's worker waiting on it: that side starts again on its own.
      const unpipe = (other: Side): void => {
        if (!pipes[other]) return;
        pipes[other] = undefined;
        const reason = new DOMException('the other side ran without the pipe', 'AbortError');
        attempts[other].unpiped = reason;
        attempts[other].stop?.abort(reason);
      };
      const run = (index: Side): Promise<HashResult> => {
        const stop = new AbortController();
        attempts[index].stop = stop;
        const forward = (): void => stop.abort(controller.signal.reason);
        if (controller.signal.aborted) forward();
        else controller.signal.addEventListener('abort', forward, { once: true });
        const pipeEnd = pipes[index];
        const sideOptions: HashOptions = {
          ...options,
          only: SCOPES[index],
          signal: stop.signal,
          onProgress: (bytes) => {
            done[index] = bytes;
            const both = Math.min(done[0]!, done[1]!);
            if (both > reported) onProgress?.((reported = both));
          },
          ...(pipeEnd ? { pipe: pipeEnd } : {}),
        };
        return sides[index].hash(blob, sideOptions).then(
          (result) => {
            controller.signal.removeEventListener('abort', forward);
            if (pipeEnd && !result.piped) unpipe(index === 0 ? 1 : 0);
            return result;
          },
          (error: unknown) => {
            controller.signal.removeEventListener('abort', forward);
            if (error === attempts[index].unpiped && !controller.signal.aborted) return run(index);
            controller.abort(error);
            throw error;
          },
        );
      };
      try {
        const [sha1, md5] = await Promise.all([run(0), run(1)]);
        const fallbackReason = sha1.fallbackReason ?? md5.fallbackReason;
        const { piped: _one, ...rest } = sha1;
        return {
          ...rest,
          partMd5s: md5.partMd5s,
          engine: sha1.engine === md5.engine ? sha1.engine : `${sha1.engine}+${md5.engine}`,
          runner: sha1.runner === 'worker' && md5.runner === 'worker' ? 'worker' : 'inline',
          threads: 2,
          ...(sha1.piped && md5.piped ? { piped: true } : {}),
          ...(fallbackReason ? { fallbackReason } : {}),
        };
      } finally {
        signal?.removeEventListener('abort', onAbort);
        // Ports not handed to a worker (a side ran inline) are closed here; closing a sent one is a no-op.
        channel?.port1.close();
        channel?.port2.close();
      }
    },
  };
}
