/**
 * Sending the parts of one upload: offset order, at most `concurrency` in flight (so memory holds
 * at most that many parts), each part retried on its own, the first hard failure stopping the rest.
 */
import type { VodClient } from '../client/client.js';
import type { PartSize, UploadPartParams } from '../protocol/schemas.js';
import type { ConcurrencyDecision } from './concurrency-types.js';
import { AUTO_INITIAL_CONCURRENCY, AUTO_MAX_CONCURRENCY, type ConcurrencySetting } from '../util/concurrency.js';
import { presignAhead } from './presign-ahead.js';
import type { BeforeRequestHook } from '../client/request-hook.js';
import type { RunProgress } from './progress-types.js';
import { raceAbort, withRetry, type RetryEvent, type RetryState, type ShouldRetry } from '../util/retry.js';
import type { PartSpan, UploadSource } from './source.js';

/**
 * One turn of the event loop. Node's fetch hands a connection back to its pool only on the turn
 * after the answer ended: a part sent at once would open a new connection instead of reusing it.
 */
const nextTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Runs a task under a concurrency bound shared by several uploads (an upload queue). */
export interface TaskLimiter {
  /** Runs `task` when a slot is free; a task still waiting when `signal` aborts leaves the queue. */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Its bound, when known: `'auto'` stays within it. */
  readonly concurrency?: number;
}

/** What the part sender reports, so progress can follow every byte (and take failed ones back). */
/** What the parts loop reports: `sent`, `acked` and `rolledBack` in the progress vocabulary (one part's bytes each). */
export interface PartEvents extends Pick<RunProgress, 'sent' | 'acked' | 'rolledBack'> {
  retry(part: PartSpan, event: RetryEvent): void;
  /** Parts allowed in flight now: at the start, and at each change `'auto'` decides. */
  concurrency?: ((figure: number, decision?: ConcurrencyDecision) => void) | undefined;
  /** A part was acknowledged (the upload's `part` event). */
  part?: ((part: PartDone) => void) | undefined;
}

/** One part the service acknowledged: the upload's `part` event. */
export interface PartDone {
  /** Where the part starts in the file. */
  readonly offset: number;
  /** Its length in bytes. */
  readonly size: number;
  /** Its MD5 (hex), as the service verified it. */
  readonly md5: string;
  /** The attempt that succeeded: 1 when no retry was needed. */
  readonly attempt: number;
  /** How long that attempt took, from reading the part to the service's answer, in ms. */
  readonly ms: number;
}

export interface SendPartsInput {
  client: VodClient;
  /** A Blob, or a FileSource whose slices may arrive asynchronously. */
  blob: UploadSource;
  fileSha: string;
  partSize: PartSize;
  parts: readonly PartSpan[];
  partMd5s: readonly string[];
  concurrency: ConcurrencySetting;
  /** `'auto'` holds at most this many part bytes in flight. */
  maxInFlightBytes: number;
  retryState: () => RetryState;
  limiter?: TaskLimiter | undefined;
  signal: AbortSignal;
  events: PartEvents;
  /** The upload's `shouldRetry` hook. */
  shouldRetry?: ShouldRetry | undefined;
  /** The upload's `beforeRequest` hook. */
  beforeRequest?: BeforeRequestHook | undefined;
}

/** The most parts `'auto'` may keep in flight: its own bound, the queue's, and the memory cap. */
function autoBound(input: SendPartsInput): number {
  const byMemory = Math.floor(input.maxInFlightBytes / input.partSize);
  return Math.max(1, Math.min(AUTO_MAX_CONCURRENCY, input.limiter?.concurrency ?? AUTO_MAX_CONCURRENCY, byMemory));
}

/**
 * Sends `parts`; resolves when all are acknowledged. On a failure that retries cannot fix, the
 * other in-flight parts are aborted and that one error is thrown.
 */
export async function sendParts(input: SendPartsInput): Promise<number> {
  const { client, blob, fileSha, parts, partMd5s, events } = input;
  // Loaded when first needed: a page pays for the controller when it uploads, not when it loads.
  const controller = input.concurrency === 'auto' ? await import('./auto-concurrency.js') : undefined;
  // An abort that already happened fires no event: check before wiring the listener.
  if (input.signal.aborted) throw input.signal.reason;
  // One controller for this batch: the first hard failure aborts the parts still in flight.
  const batch = new AbortController();
  const stop = (): void => batch.abort(input.signal.reason);
  input.signal.addEventListener('abort', stop, { once: true });
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let sentCount = 0;
  // Parts started, in order: 'auto' measures rounds of parts fixed when they are sent.
  let launched = 0;

  const allParams = parts.map((part) => {
    const dataMd5 = partMd5s[part.index];
    if (dataMd5 === undefined) throw new Error(`no MD5 for part ${part.index}`);
    return { fileSha, offset: part.offset, dataSize: part.size, dataMd5 };
  });
  const bound = input.concurrency === 'auto' ? autoBound(input) : input.concurrency;
  const auto = controller?.createAutoConcurrency({ initial: AUTO_INITIAL_CONCURRENCY, max: bound }, Date.now(), (decision) =>
    events.concurrency?.(decision.to, decision),
  );
  const limit = (): number => auto?.limit ?? bound;
  // How many parts shared each attempt's time: with its length, the rate parts land at (Little's law).
  const meter = controller?.createFlightMeter();
  events.concurrency?.(limit());
  const presigned = presignAhead(client, allParams, bound);

  // Each part listens to its own signal, and the batch's one listener aborts them all: dozens of
  // parts in flight on one signal would make Node warn of a listener leak (more than 10).
  const partControllers = new Set<AbortController>();
  batch.signal.addEventListener(
    'abort',
    () => {
      for (const part of partControllers) part.abort(batch.signal.reason);
    },
    { once: true },
  );

  const sendOne = async (part: PartSpan, params: UploadPartParams, signal: AbortSignal, seq: number): Promise<void> => {
    let done = { attempt: 1, ms: 0 };
    let inFlight: number | undefined;
    let endedAt = 0;
    await withRetry(
      async ({ progressed, attempt }) => {
        const started = Date.now();
        const ticket = meter?.start(started);
        events.sent(part.size);
        try {
          const end = part.offset + part.size;
          const body =
            'read' in blob && typeof blob.read === 'function' ? await blob.read(part.offset, end) : await blob.slice(part.offset, end);
          await client.uploadPart(params, body, { signal, beforeRequest: input.beforeRequest });
          // Acknowledged, so sent whole: the source may read a later part into the same buffer.
          if (body instanceof Uint8Array && 'recycle' in blob) blob.recycle?.(body);
        } catch (error) {
          if (ticket) meter?.end(ticket, Date.now());
          events.rolledBack(part.size);
          throw error;
        }
        progressed();
        endedAt = Date.now();
        if (ticket) inFlight = meter?.end(ticket, endedAt);
        done = { attempt, ms: endedAt - started };
      },
      {
        signal,
        state: input.retryState(),
        onRetry: (event) => {
          const reason = controller?.congestionOf(event.error);
          if (reason) auto?.observe({ kind: 'congestion', at: Date.now(), reason });
          events.retry(part, event);
        },
        shouldRetry: input.shouldRetry,
      },
    );
    auto?.observe({ kind: 'ack', at: endedAt, bytes: part.size, ms: done.ms, inFlight, seq, sent: launched });
    sentCount += 1;
    events.acked(part.size);
    events.part?.({ offset: part.offset, size: part.size, md5: params.dataMd5, ...done });
  };

  try {
    for (const [index, part] of parts.entries()) {
      if (inFlight.size >= limit()) {
        while (inFlight.size >= limit()) await Promise.race(inFlight);
        await nextTurn();
      }
      // Signing ahead is only an optimisation: an abort or pause must not wait for it. The parts
      // in flight are still awaited below, so none reports progress after this returns.
      const ready = await raceAbort(presigned.ready(index), batch.signal).then(
        () => true,
        () => false,
      );
      if (!ready || failure || batch.signal.aborted) break;
      const params = allParams[index]!;
      const partController = new AbortController();
      partControllers.add(partController);
      const signal = partController.signal;
      const seq = launched++;
      const task = (
        input.limiter ? input.limiter.run(() => sendOne(part, params, signal, seq), signal) : sendOne(part, params, signal, seq)
      )
        .catch((error: unknown) => {
          if (!failure) {
            failure = { error };
            batch.abort(error);
          }
        })
        .finally(() => {
          inFlight.delete(task);
          partControllers.delete(partController);
        });
      inFlight.add(task);
    }
    await Promise.all(inFlight);
  } finally {
    input.signal.removeEventListener('abort', stop);
  }
  if (failure) throw input.signal.aborted ? input.signal.reason : failure.error;
  if (input.signal.aborted) throw input.signal.reason;
  return sentCount;
}
