/**
 * How a run is shown: a reporter hears about each file's start, progress and end. The TTY one
 * draws bars, the plain one writes lines, the JSON one writes a record per file, quiet writes
 * failures only.
 */
import type { UploadHandle } from '../core/index.js';
import { failureLine, toJsonRecord, type FileOutcome } from './outcome.js';
import { renderSummary } from './summary.js';
import type { FoundFile } from './walk.js';

export interface Reporter {
  fileStarted(file: FoundFile, handle: UploadHandle): void;
  fileFinished(outcome: FileOutcome): void;
  /** A message about the run (e.g. "stopping…"). */
  note(message: string): void;
  /** Every file has finished (or was interrupted). */
  end(outcomes: readonly FileOutcome[], wallMs: number): void;
}

/** Where text goes. */
export interface Sink {
  out(line: string): void;
  err(line: string): void;
}

/** `--json`: a record per file on stdout; failures also explained on stderr. */
export function createJsonReporter(sink: Sink, quiet: boolean): Reporter {
  return {
    fileStarted() {},
    fileFinished(outcome) {
      sink.out(JSON.stringify(toJsonRecord(outcome)));
      if (outcome.status !== 'done' && !quiet) sink.err(failureLine(outcome));
    },
    note(message) {
      if (!quiet) sink.err(message);
    },
    end() {},
  };
}

/** `--quiet`: failures only, one line each, on stderr. */
export function createQuietReporter(sink: Sink): Reporter {
  return {
    fileStarted() {},
    fileFinished(outcome) {
      if (outcome.status === 'failed') sink.err(failureLine(outcome));
    },
    note() {},
    end() {},
  };
}

/** The end of a human run: failures on stderr, the summary table on stdout. */
export function reportEnd(sink: Sink, outcomes: readonly FileOutcome[], wallMs: number): void {
  if (outcomes.length === 0) return;
  sink.out('');
  sink.out(renderSummary(outcomes, wallMs));
  const failed = outcomes.filter((outcome) => outcome.status !== 'done');
  if (failed.length > 0) {
    sink.err('');
    for (const outcome of failed) sink.err(failureLine(outcome));
  }
}
