/** The hasher for runtimes without Web Workers (Cloudflare Workers, Node): runs on the calling thread. */
import { hashBlob, checkHashInput, abortReason } from './hash-blob.js';
import { enginesByName, defaultEngineNames, loadFirstEngine } from './load-engine.js';
import type { HashEngineLoader, Hasher } from './types.js';

/** Options of {@link createInlineHasher}. */
export interface InlineHasherOptions {
  /** Engines to try in order; defaults to `wasm` then `spark`. */
  engines?: readonly HashEngineLoader[] | undefined;
}

/**
 * Creates a hasher that reads and hashes on the calling thread. Each job loads its own engine
 * (the first of `engines` that loads), so concurrent jobs never share hash state.
 */
export function createInlineHasher(options: InlineHasherOptions = {}): Hasher {
  const loaders = options.engines ?? enginesByName(defaultEngineNames);
  return {
    async hash(blob, hashOptions) {
      checkHashInput(blob, hashOptions);
      if (hashOptions.signal?.aborted) throw abortReason(hashOptions.signal);
      const engine = await loadFirstEngine(loaders);
      return hashBlob(blob, engine, hashOptions);
    },
  };
}
