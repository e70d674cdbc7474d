/**
 * How a run is shown: a reporter hears about each file's start, progress, retries and end. The
 * TTY one draws bars, the plain one writes lines, the JSON one writes a record per file (and per
 * retry), quiet writes each file's fileId and the failures.
 */
import type { UploadHandle } from '../core/index.js';
import { failureLine, toJsonRecord, type FileOutcome } from './outcome.js';
import { retryRecord, type RetryNotice } from './retry-notice.js';
import { renderSummary } from './summary.js';
import type { FoundFile } from './walk.js';

export interface Reporter {
  fileStarted(file: FoundFile, handle: UploadHandle): void;
  /** A request of `file` failed and will be tried again. */
  retry(file: FoundFile, notice: RetryNotice): void;
  /** Each failure is shown once, here. */
  fileFinished(outcome: FileOutcome): void;
  /** A message about the run (e.g. "stopping…"). */
  note(message: string): void;
  /** Takes the live display off the screen (bars cleared, cursor shown): before a forced exit. */
  halt(): void;
  /** Every file has finished (or was interrupted). */
  end(outcomes: readonly FileOutcome[], wallMs: number): void;
}

/** Where text goes. */
export interface Sink {
  out(line: string): void;
  err(line: string): void;
}

/** `--json`: a record per file and per retry on stdout; failures also explained on stderr. */
export function createJsonReporter(sink: Sink, quiet: boolean, width: number): Reporter {
  return {
    fileStarted() {},
    retry(file, notice) {
      sink.out(JSON.stringify(retryRecord(file, notice)));
    },
    fileFinished(outcome) {
      sink.out(JSON.stringify(toJsonRecord(outcome)));
      if (outcome.status !== 'done' && !quiet) sink.err(failureLine(outcome, width));
    },
    note(message) {
      if (!quiet) sink.err(message);
    },
    halt() {},
    end() {},
  };
}

/** `--quiet`: the fileId of each uploaded file on stdout (`fileId  file`), failures on stderr. */
export function createQuietReporter(sink: Sink, width: number): Reporter {
  return {
    fileStarted() {},
    retry() {},
    fileFinished(outcome) {
      if (outcome.result) sink.out(`${outcome.result.fileId}  ${outcome.file.display}`);
      else if (outcome.status !== 'interrupted') sink.err(failureLine(outcome, width));
    },
    note() {},
    halt() {},
    end() {},
  };
}

/** The end of a human run: the summary table on stdout (failures were shown as they happened). */
export function reportEnd(sink: Sink, outcomes: readonly FileOutcome[], wallMs: number, width: number): void {
  if (outcomes.length === 0) return;
  sink.out('');
  sink.out(renderSummary(outcomes, wallMs, width));
}
