/** The typed event emitter behind upload and queue events. */

/** A listener of one event. */
export type Listener<T> = (payload: T) => void;

/** A minimal typed event emitter. */
export interface Emitter<Events extends Record<string, unknown>> {
  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void;
  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void;
  emit<K extends keyof Events>(event: K, payload: Events[K]): void;
}

/**
 * A typed emitter. A listener that throws does not stop the others nor the caller: its error is
 * re-thrown in a microtask, where the runtime reports it like any uncaught error.
 */
export function createEmitter<Events extends Record<string, unknown>>(): Emitter<Events> {
  const listeners = new Map<keyof Events, Set<Listener<never>>>();
  const off = <K extends keyof Events>(event: K, listener: Listener<Events[K]>): void => {
    listeners.get(event)?.delete(listener as Listener<never>);
  };
  return {
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as Listener<never>);
      return () => off(event, listener);
    },
    off,
    emit(event, payload) {
      const set = listeners.get(event);
      if (!set) return;
      for (const listener of [...set] as Listener<Events[typeof event]>[]) {
        try {
          listener(payload);
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
  };
}
