/**
 * What happened to each file, and its JSON form (`--json` prints one per line). Pure.
 */
import type { UploadResult } from '../core/index.js';
import { ClientErrorCode, VodError } from '../protocol/index.js';
import { mebibytesPerSecond } from './format.js';
import type { FoundFile } from './walk.js';

export type OutcomeStatus = 'done' | 'failed' | 'interrupted';

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
}

/** Turns whatever an upload rejected with into an outcome. Aborts after Ctrl-C are `interrupted`. */
export function failureOutcome(file: FoundFile, error: unknown, ms: number, stopping: boolean): FileOutcome {
  if (error instanceof VodError) {
    const interrupted = error.code === ClientErrorCode.Aborted && stopping;
    return {
      file,
      status: interrupted ? 'interrupted' : 'failed',
      error: { code: error.code, canRetry: error.canRetry, message: interrupted ? 'interrupted; run again to resume' : error.message },
      ms,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { file, status: stopping ? 'interrupted' : 'failed', error: { code: 'ERROR', canRetry: false, message }, ms };
}

/** One line of `--json` output. Field names are stable: scripts read them. */
export interface JsonRecord {
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
  mbps?: number;
  error?: OutcomeError;
}

export function toJsonRecord(outcome: FileOutcome): JsonRecord {
  const { file, status, result, error, ms } = outcome;
  const base: JsonRecord = { file: file.display, size: file.size, status, seconds: Math.round(ms) / 1000 };
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
      mbps: mebibytesPerSecond(result.size, ms),
    };
  }
  return error ? { ...base, error } : base;
}

/** The one-line explanation of a failure, e.g. `✗ a.mp4: Body invalid (code -10006, canRetry yes)`. */
export function failureLine(outcome: FileOutcome): string {
  const error = outcome.error ?? { code: 'ERROR', canRetry: false, message: 'failed' };
  const mark = outcome.status === 'interrupted' ? '■' : '✗';
  return `${mark} ${outcome.file.display}: ${error.message} (code ${error.code}, canRetry ${error.canRetry ? 'yes' : 'no'})`;
}
