/**
 * A retry as the user sees it: one line on a terminal (`↻ a.mp4: UploadPart at offset 0: no
 * answer within 10000 ms (TIMEOUT); try 2 of 4 in 0.4s`), one record with `--json`. Pure.
 */
import type { UploadEvents } from '../core/index.js';
import { VodError } from '../protocol/index.js';
import { explainError } from './explain.js';
import { cellWidth, fitLeft, formatDuration } from './format.js';
import type { FoundFile } from './walk.js';

/** What failed and when the next try comes. */
export interface RetryNotice {
  /** `InitUpload`, `UploadPart at offset 1048576`, `FinishUpload`. */
  what: string;
  /** The attempt that failed (1 = the first try). */
  attempt: number;
  /** Attempts allowed in all (`--retries` + 1). */
  attempts: number;
  code: number | string;
  message: string;
  delayMs: number;
  /** When the next attempt starts (ms since the epoch). */
  nextAt: number;
}

/** Builds the notice of a core `retry` event. */
export function retryNotice(event: UploadEvents['retry'], attempts: number, endpoint: string, now: number): RetryNotice {
  const { error } = event;
  const code = error instanceof VodError ? error.code : 'ERROR';
  // The action is already in `what`; the message need not repeat it.
  const message = explainError(error, endpoint).replace(/^(InitUpload|UploadPart|FinishUpload): /, '');
  return { what: event.what, attempt: event.attempt, attempts, code, message, delayMs: event.delayMs, nextAt: now + event.delayMs };
}

/** The terminal line, cut to `width` cells at the name (the reason and the timing stay whole). */
export function retryLine(file: FoundFile, notice: RetryNotice, width = 80): string {
  const rest = `: ${notice.what}: ${notice.message} (${notice.code}); try ${notice.attempt + 1} of ${notice.attempts} in ${formatDuration(notice.delayMs / 1000)}`;
  const nameWidth = Math.max(12, width - 1 - 2 - cellWidth(rest));
  return `↻ ${fitLeft(file.display, nameWidth).trimEnd()}${rest}`;
}

/** The `--json` record (`type: "retry"`; file records carry `type: "file"`). */
export function retryRecord(file: FoundFile, notice: RetryNotice): Record<string, unknown> {
  return {
    type: 'retry',
    file: file.display,
    what: notice.what,
    attempt: notice.attempt,
    attempts: notice.attempts,
    code: notice.code,
    message: notice.message,
    delayMs: notice.delayMs,
    nextAttemptAt: new Date(notice.nextAt).toISOString(),
  };
}
