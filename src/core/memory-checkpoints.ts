/** The memory checkpoint store: its own module, so that importing it does not load zod (checkpoint.ts). */
import { VodArgumentError } from '../protocol/errors.js';
import type { CheckpointStore } from './checkpoint.js';

/**
 * A store in memory (for tests, and for resume within one process). Values are kept as JSON
 * text, like a persistent store would, so a caller's later mutation cannot change what is stored
 * and a value that is not JSON-able fails at `set`.
 */
export function createMemoryCheckpointStore(): CheckpointStore & { readonly size: number } {
  const entries = new Map<string, string>();
  return {
    get size() {
      return entries.size;
    },
    get(key) {
      const text = entries.get(key);
      return Promise.resolve(text === undefined ? undefined : (JSON.parse(text) as unknown));
    },
    set(key, value) {
      try {
        const text = JSON.stringify(value);
        if (text === undefined) throw new VodArgumentError('value', 'a JSON-able value', value);
        entries.set(key, text);
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error);
      }
    },
    delete(key) {
      entries.delete(key);
      return Promise.resolve();
    },
  };
}
