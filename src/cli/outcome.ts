/**
 * What happened to each file, and its JSON form (`--json` prints one per line). Pure.
 */
import type { UploadResult } from '../core/index.js';
import { ClientErrorCode, VodError } from '../protocol/index.js';
import { explainError } from './explain.js';
import { cellWidth, fitLeft, formatBytes, formatDuration, mebibytesPerSecond } from './format.js';
import type { FoundFile } from './walk.js';

/** `skipped`: never started, because the first file showed the endpoint fails for every file. */
export type OutcomeStatus = 'done' | 'failed' | 'interrupted' | 'skipped';

/** A failure as the user sees it. */
export interface OutcomeError {
  code: number | string;
  canRetry: boolean;
  message: string;
}

export interface FileOutcome {
  file: FoundFile;
  status: OutcomeStatus;
  result?: UploadResult;
  error?: OutcomeError;
  /** Wall time from start (hashing included) to the end, ms. */
  ms: number;
  /** A checkpoint holds the file's hashes: the same command resumes without hashing. */
  kept?: boolean;
  /** The file had not started (it was waiting for a slot) when the run ended. */
  waiting?: boolean;
}

/** What the run knew about a file when it ended without a result. */
export interface FailureContext {
  /** Ctrl-C was pressed: an abort is an interruption, not a failure. */
  stopping: boolean;
  /** Hashing had finished, so a checkpoint was written. */
  kept: boolean;
  /** The upload had not started yet. */
  waiting?: boolean;
  /** For naming the host in network failures. */
  endpoint: string;
}

/** Turns whatever an upload rejected with into an outcome. Aborts after Ctrl-C are `interrupted`. */
export function failureOutcome(file: FoundFile, error: unknown, ms: number, context: FailureContext): FileOutcome {
  const { stopping, kept } = context;
  const waiting = context.waiting ?? false;
  if (error instanceof VodError) {
    const interrupted = error.code === ClientErrorCode.Aborted && stopping;
    const message = interrupted ? (waiting ? 'not started' : 'interrupted') : explainError(error, context.endpoint);
    return {
      file,
      status: interrupted ? 'interrupted' : 'failed',
      error: { code: error.code, canRetry: error.canRetry, message },
      ms,
      kept,
      waiting,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { file, status: stopping ? 'interrupted' : 'failed', error: { code: 'ERROR', canRetry: false, message }, ms, kept, waiting };
}

/** A file never started because `cause` failed for the endpoint. */
export function skippedOutcome(file: FoundFile, cause: string): FileOutcome {
  return {
    file,
    status: 'skipped',
    error: { code: 'SKIPPED', canRetry: true, message: `not started: ${cause} failed the same way a moment before` },
    ms: 0,
    kept: false,
  };
}

/** One line of `--json` output. Field names are stable: scripts read them. */
export interface JsonRecord {
  /** `file` (retries are `retry` records, see retry-notice.ts). */
  type: 'file';
  file: string;
  size: number;
  status: OutcomeStatus;
  fileId?: string;
  url?: string;
  kind?: UploadResult['kind'];
  instant?: boolean;
  sha1?: string;
  partSize?: number;
  partsSent?: number;
  partsSkipped?: number;
  hashedBytes?: number;
  hashEngine?: string;
  seconds: number;
  /** Absent for instant uploads: no byte was sent. */
  mbps?: number;
  error?: OutcomeError;
  /** On failure: whether a checkpoint lets the same command resume without hashing. */
  resumable?: boolean;
}

export function toJsonRecord(outcome: FileOutcome): JsonRecord {
  const { file, status, result, error, ms } = outcome;
  const base: JsonRecord = { type: 'file', file: file.display, size: file.size, status, seconds: Math.round(ms) / 1000 };
  if (result) {
    return {
      ...base,
      fileId: result.fileId,
      url: result.url,
      kind: result.kind,
      instant: result.instant,
      sha1: result.sha1,
      partSize: result.partSize,
      partsSent: result.partsSent,
      partsSkipped: result.partsSkipped,
      hashedBytes: result.hashedBytes,
      hashEngine: result.hashEngine,
      ...(result.instant ? {} : { mbps: mebibytesPerSecond(result.size, ms) }),
    };
  }
  return error ? { ...base, error, resumable: outcome.kept ?? false } : base;
}

/** What the user can do next, matching what was kept. */
function nextStep(outcome: FileOutcome): string {
  if (outcome.status === 'skipped') return '';
  if (outcome.status === 'interrupted') {
    if (outcome.waiting) return '; run again';
    return outcome.kept ? '; run again: resumes from the checkpoint' : ' while hashing; nothing kept, run again';
  }
  if (!outcome.error?.canRetry) return '';
  return outcome.kept ? '; run again: resumes from the checkpoint' : '; run again to retry';
}

/**
 * One line per failure: `✗ a.mp4: no answer within 10000 ms (TIMEOUT); run again: it resumes
 * from the checkpoint`. The name is shortened to keep the line inside `width` cells when it can.
 */
export function failureLine(outcome: FileOutcome, width = 80): string {
  const error = outcome.error ?? { code: 'ERROR', canRetry: false, message: 'failed' };
  const mark = outcome.status === 'interrupted' ? '■' : outcome.status === 'skipped' ? '–' : '✗';
  // The code is left out where the message already says it (or names the system error).
  const quiet =
    outcome.status === 'interrupted' ||
    outcome.status === 'skipped' ||
    error.message.includes(String(error.code)) ||
    /\((E[A-Z]+|UND_ERR_[A-Z]+)[:)]/.test(error.message);
  const rest = `: ${error.message}${quiet ? '' : ` (${error.code})`}${nextStep(outcome)}`;
  // The name is what the user looks for: a long message may wrap rather than cut it short.
  const nameWidth = Math.max(Math.min(cellWidth(outcome.file.display), 24), width - 1 - 2 - cellWidth(rest));
  return `${mark} ${fitLeft(outcome.file.display, nameWidth).trimEnd()}${rest}`;
}

/** `✓ a.mp4  new  3.0 MB  12.3 MB/s  0.4s` (no speed for an instant upload: nothing was sent). */
export function doneLine(outcome: FileOutcome, width = 80): string {
  const { result } = outcome;
  if (!result) return failureLine(outcome, width);
  const speed = result.instant ? '' : `  ${mebibytesPerSecond(result.size, outcome.ms).toFixed(1)} MB/s`;
  const rest = `  ${result.kind}  ${formatBytes(result.size)}${speed}  ${formatDuration(outcome.ms / 1000)}`;
  return `✓ ${fitLeft(outcome.file.display, Math.max(12, width - 1 - 2 - cellWidth(rest))).trimEnd()}${rest}`;
}
