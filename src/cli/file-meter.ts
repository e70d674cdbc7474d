/**
 * One file's progress as the reporters show it: which phase, how far, how fast, how long to go.
 * The core measures upload speed; hashing speed is measured here (average since hashing began).
 */
import type { UploadProgress } from '../core/index.js';

export interface MeterView {
  /** `waiting`, `hashing`, `uploading`, `finishing` or `done`. */
  phase: UploadProgress['phase'] | 'waiting';
  /** Bytes done in this phase (hashed, or acknowledged by the service). */
  value: number;
  total: number;
  /** 0–1. */
  fraction: number;
  /** Bytes per second in this phase; 0 when unknown. */
  speed: number;
  /** Seconds left in this phase; undefined when unknown. */
  eta: number | undefined;
}

export interface FileMeter {
  update(state: UploadProgress): void;
  view(): MeterView;
}

/** A meter for a file of `total` bytes; `now` in ms (injectable for tests). */
export function createFileMeter(total: number, now: () => number = Date.now): FileMeter {
  let state: UploadProgress | undefined;
  let hashStart: { at: number; bytes: number } | undefined;
  return {
    update(next) {
      if (next.phase === 'hashing' && (!hashStart || next.hashedBytes < hashStart.bytes))
        hashStart = { at: now(), bytes: next.hashedBytes };
      state = next;
    },
    view() {
      if (!state) return { phase: 'waiting', value: 0, total, fraction: 0, speed: 0, eta: undefined };
      if (state.phase === 'hashing') {
        const elapsed = (now() - (hashStart?.at ?? now())) / 1000;
        const speed = elapsed > 0.05 ? (state.hashedBytes - (hashStart?.bytes ?? 0)) / elapsed : 0;
        const left = total - state.hashedBytes;
        return {
          phase: 'hashing',
          value: state.hashedBytes,
          total,
          fraction: fraction(state.hashedBytes, total),
          speed,
          eta: speed > 0 ? left / speed : undefined,
        };
      }
      const value = state.phase === 'done' ? total : state.ackedBytes;
      return {
        phase: state.phase,
        value,
        total,
        fraction: fraction(value, total),
        speed: state.speed,
        eta: state.phase === 'done' ? 0 : state.eta,
      };
    },
  };
}

function fraction(value: number, total: number): number {
  return total > 0 ? Math.min(1, Math.max(0, value / total)) : 1;
}
