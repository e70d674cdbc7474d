/** Choosing an engine: try each loader in order, fall back on failure. */
import { VodArgumentError } from '../protocol/errors.js';
import type { HashEngineLoader } from './types.js';

export { loadFirstEngine } from './first-engine.js';

/**
 * Engines every runtime can load by name (a Web Worker receives names, not functions). Each
 * engine's module (and its library) is imported when it is first loaded: a page that hashes on
 * its worker never downloads the fallback engines.
 */
export const builtinEngines: Readonly<Record<string, HashEngineLoader>> = Object.freeze({
  wasm: { name: 'wasm', load: () => import('./engines/wasm.js').then(({ wasmEngine }) => wasmEngine.load()) },
  spark: { name: 'spark', load: () => import('./engines/spark.js').then(({ sparkEngine }) => sparkEngine.load()) },
});

/** The default order: WebAssembly where it runs, pure JS otherwise. */
export const defaultEngineNames: readonly string[] = Object.freeze(['wasm', 'spark']);

/** Maps engine names to built-in loaders; an unknown name is a typed error. */
export function enginesByName(names: readonly string[]): HashEngineLoader[] {
  if (!Array.isArray(names) || names.length === 0) {
    throw new VodArgumentError('engines', 'a non-empty list of engine names', names);
  }
  return names.map((name) => {
    const loader = Object.hasOwn(builtinEngines, name) ? builtinEngines[name] : undefined;
    if (!loader) {
      throw new VodArgumentError('engines', `names among ${Object.keys(builtinEngines).join(', ')}`, name);
    }
    return loader;
  });
}
