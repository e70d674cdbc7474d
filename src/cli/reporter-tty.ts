/**
 * Live progress bars on a terminal (cli-progress): one bar per active file — hashing, then
 * uploading — and an overall bar. Finished files, retries and failures leave one line each above
 * the bars; every line fits the terminal's width in cells.
 */
import cliProgress from 'cli-progress';
import type { UploadHandle } from '../core/index.js';
import { layoutFor, renderBarLine, renderOverallLine } from './bar-line.js';
import { createFileMeter, type FileMeter } from './file-meter.js';
import { wrapCells } from './format.js';
import { doneLine, failureLine } from './outcome.js';
import { reportEnd, type Reporter, type Sink } from './reporter.js';
import { retryLine } from './retry-notice.js';
import type { FoundFile } from './walk.js';

interface Payload {
  render: () => string;
}

export interface TtyReporterOptions {
  stream: NodeJS.WriteStream;
  files: readonly FoundFile[];
  /** The terminal's width in cells: bars, the lines above them and the summary fit in it. */
  width: number;
}

export function createTtyReporter(sink: Sink, options: TtyReporterOptions): Reporter {
  const { stream, files, width } = options;
  const layout = layoutFor(width);
  const multibar = new cliProgress.MultiBar({
    stream,
    format: (_options, _params, payload: Payload) => payload.render(),
    hideCursor: true,
    clearOnComplete: true,
    autopadding: false,
    fps: 8,
  });
  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  const active = new Map<FoundFile, { meter: FileMeter; bar: cliProgress.SingleBar; overallPercent: number; parts: number }>();
  let finishedBytes = 0;
  let finishedFiles = 0;
  let stopped = false;
  const started = Date.now();

  const overallLine = (): string => {
    let bytes = finishedBytes;
    // The bar itself follows each file's overallPercent (hashing and sending), weighted by size.
    let done = finishedBytes;
    let parts = 0;
    for (const [file, { meter, overallPercent, parts: filesParts }] of active) {
      const view = meter.view();
      if (view.phase !== 'hashing') bytes += view.value;
      if (view.phase === 'uploading') parts += filesParts;
      done += (file.size * overallPercent) / 100;
    }
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0.5 ? bytes / seconds : 0;
    const eta = rate > 0 ? (totalBytes - bytes) / rate : undefined;
    return renderOverallLine(
      `all ${finishedFiles}/${files.length} files`,
      bytes,
      totalBytes,
      rate,
      eta,
      layout,
      totalBytes > 0 ? done / totalBytes : 1,
      parts,
    );
  };
  const overall = multibar.create(totalBytes, 0, { render: overallLine } satisfies Payload);
  const log = (line: string): void => {
    if (stopped) sink.err(line);
    // Each row clears its line first: it may be written where a longer bar line was.
    else for (const row of wrapCells(line, width - 1)) multibar.log(`\u001B[2K${row}\n`);
  };

  return {
    fileStarted(file: FoundFile, handle: UploadHandle) {
      const meter = createFileMeter(file.size);
      const bar = multibar.create(file.size, 0, { render: () => renderBarLine(file.display, meter.view(), layout) } satisfies Payload);
      const entry = { meter, bar, overallPercent: 0, parts: 0 };
      active.set(file, entry);
      handle.on('progress', (state) => {
        entry.overallPercent = state.overallPercent;
        entry.parts = state.concurrency;
        meter.update(state);
        bar.update(meter.view().value);
      });
    },
    retry(file, notice) {
      log(retryLine(file, notice, width));
    },
    fileFinished(outcome) {
      finishedFiles += 1;
      if (outcome.result) finishedBytes += outcome.result.size;
      log(outcome.result ? doneLine(outcome, width) : failureLine(outcome, width));
      if (stopped) return;
      overall.update(finishedBytes);
      // Removing redraws at once, which also writes the line logged above.
      const entry = active.get(outcome.file);
      active.delete(outcome.file);
      if (entry) multibar.remove(entry.bar);
      else multibar.update();
    },
    note(message) {
      log(message);
    },
    halt() {
      if (stopped) return;
      stopped = true;
      multibar.update(); // writes lines still waiting in the log buffer
      multibar.stop(); // clears the bars and shows the cursor
    },
    end(outcomes, wallMs) {
      this.halt();
      reportEnd(sink, outcomes, wallMs, width);
    },
  };
}
