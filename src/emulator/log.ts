/**
 * The emulator's request log: what tests and benchmarks inspect to prove how a client behaved
 * (how many calls of each action, how many parts were in flight at once, how many bytes came in).
 */
import type { VodAction } from '../protocol/index.js';

/** One protocol request as the emulator answered it. */
export interface LogEntry {
  /** ms since the epoch (the emulator's clock). */
  time: number;
  /** The request's Action, or `null` when it had none the emulator knows. */
  action: VodAction | null;
  /** The request's SecretId (first 128 characters). */
  secretId: string;
  /** The request's fileSha, when it had one. */
  fileSha: string;
  /** UploadPart only: the part's offset. */
  offset?: number;
  /** UploadPart only: the part's announced size. */
  dataSize?: number;
  /** The answer's `code`; `null` when a fault sent something that is not a protocol answer. */
  code: number | null;
  /** The injected fault that shaped this answer, if any. */
  fault?: string;
  /** The request's `X-Trace-Id` header (first 128 characters), when it had one: what a client's hook added. */
  traceId?: string;
}

/** A JSON-friendly view of the log, as served at `GET /_emulator/log`. */
export interface LogSummary {
  /** Requests by action, and by `action:code`. */
  counts: Record<string, number>;
  /** Every request since the last clear. */
  total: number;
  /** The most UploadPart requests handled at once. */
  maxPartsInFlight: number;
  /** UploadPart requests being handled now. */
  partsInFlight: number;
  /** Protocol requests of any action being handled right now: 0 once the emulator has settled. */
  requestsInFlight: number;
  /** Part body bytes read since the last clear. */
  bytesReceived: number;
  /** TCP connections the server accepted since the last clear (`startEmulator` counts them; 0 elsewhere). */
  connections: number;
  /** The kept entries, oldest first. */
  entries: LogEntry[];
}

/** Entries kept; counts and maxima cover everything since the last `clear()`. */
const MAX_ENTRIES = 20000;

/** What the emulator received: counts, entries, parts in flight and bytes, since the last `clear()`. */
export class RequestLog {
  #entries: LogEntry[] = [];
  #counts = new Map<string, number>();
  #total = 0;
  /** UploadPart requests being processed right now. */
  partsInFlight = 0;
  /** The most UploadPart requests processed at the same time since the last `clear()`. */
  maxPartsInFlight = 0;
  /** Body bytes the emulator read from UploadPart requests since the last `clear()`. */
  bytesReceived = 0;
  /** Protocol requests of any action being handled right now. */
  requestsInFlight = 0;
  /** TCP connections accepted since the last `clear()` (counted by the Node server of `startEmulator`). */
  connections = 0;
  #settledWaiters: (() => void)[] = [];

  /** Records one answered request. */
  add(entry: LogEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > MAX_ENTRIES) this.#entries.splice(0, this.#entries.length - MAX_ENTRIES);
    this.#total++;
    const name = entry.action ?? 'unknown';
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + 1);
    const byCode = `${name}:${entry.code}`;
    this.#counts.set(byCode, (this.#counts.get(byCode) ?? 0) + 1);
  }

  /**
   * Requests seen since the last `clear()`: all of them, those of one action, or those of one
   * action answered with one code.
   */
  count(action?: VodAction, code?: number | null): number {
    if (action === undefined) return this.#total;
    return this.#counts.get(code === undefined ? action : `${action}:${code}`) ?? 0;
  }

  /** A copy of the kept entries (the latest 20000), oldest first. */
  entries(): LogEntry[] {
    return this.#entries.map((entry) => ({ ...entry }));
  }

  /** Forgets entries, counts, maxima and bytes (requests in flight stay counted). */
  clear(): void {
    this.#entries = [];
    this.#counts.clear();
    this.#total = 0;
    this.maxPartsInFlight = this.partsInFlight;
    this.bytesReceived = 0;
    this.connections = 0;
  }

  /** The server accepted a TCP connection. */
  connectionOpened(): void {
    this.connections++;
  }

  /** An UploadPart request began. */
  partStarted(): void {
    this.partsInFlight++;
    if (this.partsInFlight > this.maxPartsInFlight) this.maxPartsInFlight = this.partsInFlight;
  }

  /** An UploadPart request ended. */
  partEnded(): void {
    this.partsInFlight--;
  }

  /** A protocol request began. */
  requestStarted(): void {
    this.requestsInFlight++;
  }

  /** A protocol request ended. */
  requestEnded(): void {
    if (--this.requestsInFlight > 0) return;
    const waiters = this.#settledWaiters;
    this.#settledWaiters = [];
    for (const wake of waiters) wake();
  }

  /**
   * Resolves once no request is being handled (at once if none is), so a test counts what an
   * aborted client left behind only after it landed, instead of after a guessed sleep.
   */
  settled(): Promise<void> {
    if (this.requestsInFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#settledWaiters.push(resolve));
  }

  /** A JSON-friendly copy, as `GET /_emulator/log` serves it. */
  summary(): LogSummary {
    const counts: Record<string, number> = {};
    for (const [name, value] of this.#counts) counts[name] = value;
    return {
      counts,
      total: this.#total,
      maxPartsInFlight: this.maxPartsInFlight,
      partsInFlight: this.partsInFlight,
      requestsInFlight: this.requestsInFlight,
      bytesReceived: this.bytesReceived,
      connections: this.connections,
      entries: this.entries(),
    };
  }
}
