/** Loading the first engine that loads, in order (its own module: the hash workers import it without the built-in list). */
import { VodArgumentError } from '../protocol/errors.js';
import type { HashEngine, HashEngineLoader } from './types.js';

/**
 * Loads the first engine that loads, in order (e.g. `wasm` failing under a CSP → `spark`).
 * The returned engine's `name` says which one it is. Rejects with an AggregateError of every
 * failure when none loads.
 */
export async function loadFirstEngine(loaders: readonly HashEngineLoader[]): Promise<HashEngine> {
  if (!Array.isArray(loaders) || loaders.length === 0) {
    throw new VodArgumentError('engines', 'a non-empty list of engine loaders', loaders);
  }
  const failures: unknown[] = [];
  for (const loader of loaders) {
    try {
      return await loader.load();
    } catch (error) {
      failures.push(error);
    }
  }
  const names = loaders.map((loader) => loader.name).join(', ');
  throw new AggregateError(failures, `No hash engine could load (tried ${names})`);
}
