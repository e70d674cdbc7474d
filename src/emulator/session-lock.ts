/**
 * Requests on one upload session (one SecretId + fileSha) taken in turn where they must be.
 * InitUpload and FinishUpload decide what the session is (create it, find it, turn it into a
 * file), so each runs alone; UploadParts only add to it, so they run side by side, never while
 * one of those runs. Without it, two InitUploads of the same bytes at once both saw "no session"
 * and the later one's new session replaced the parts the earlier one had stored since.
 */

/** A reader/writer lock per session key, first come first served. */
export interface SessionLock {
  /** Runs `task` alone on `key`: after every earlier task on it, and before any later one. */
  exclusive<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Runs `task` beside other shared tasks on `key`, never beside an exclusive one. */
  shared<T>(key: string, task: () => Promise<T>): Promise<T>;
}

interface Waiter {
  readonly exclusive: boolean;
  readonly start: () => void;
}

interface KeyState {
  running: number;
  exclusive: boolean;
  readonly waiting: Waiter[];
}

export function createSessionLock(): SessionLock {
  const keys = new Map<string, KeyState>();

  const admit = (key: string, state: KeyState): void => {
    while (state.waiting.length > 0 && !state.exclusive) {
      const next = state.waiting[0]!;
      // An exclusive task waits for the shared ones running; shared ones queue behind a waiting exclusive one (no starving it).
      if (next.exclusive && state.running > 0) return;
      state.waiting.shift();
      state.running += 1;
      state.exclusive = next.exclusive;
      next.start();
    }
    if (state.running === 0 && state.waiting.length === 0) keys.delete(key);
  };

  const run = async <T>(key: string, exclusive: boolean, task: () => Promise<T>): Promise<T> => {
    let state = keys.get(key);
    if (!state) keys.set(key, (state = { running: 0, exclusive: false, waiting: [] }));
    const current = state;
    await new Promise<void>((start) => {
      current.waiting.push({ exclusive, start });
      admit(key, current);
    });
    try {
      return await task();
    } finally {
      current.running -= 1;
      current.exclusive = false;
      admit(key, current);
    }
  };

  return {
    exclusive: (key, task) => run(key, true, task),
    shared: (key, task) => run(key, false, task),
  };
}
