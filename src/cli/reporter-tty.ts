/**
 * Live progress bars on a terminal (cli-progress): one bar per active file — hashing, then
 * uploading — and an overall bar. Finished files leave a line above the bars.
 */
import cliProgress from 'cli-progress';
import type { UploadHandle } from '../core/index.js';
import { layoutFor, renderBar, renderBarLine } from './bar-line.js';
import { createFileMeter, type FileMeter } from './file-meter.js';
import { fitLeft, formatBytes, formatDuration, formatRate, mebibytesPerSecond } from './format.js';
import { failureLine } from './outcome.js';
import { reportEnd, type Reporter, type Sink } from './reporter.js';
import type { FoundFile } from './walk.js';

interface Payload {
  render: () => string;
}

export interface TtyReporterOptions {
  stream: NodeJS.WriteStream;
  files: readonly FoundFile[];
}

export function createTtyReporter(sink: Sink, options: TtyReporterOptions): Reporter {
  const { stream, files } = options;
  const layout = layoutFor(stream.columns);
  const multibar = new cliProgress.MultiBar({
    stream,
    format: (_options, _params, payload: Payload) => payload.render(),
    hideCursor: true,
    clearOnComplete: true,
    autopadding: false,
    fps: 8,
  });
  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  const active = new Map<FoundFile, { meter: FileMeter; bar: cliProgress.SingleBar }>();
  let finishedBytes = 0;
  let finishedFiles = 0;
  const started = Date.now();

  const overallLine = (): string => {
    let bytes = finishedBytes;
    for (const { meter } of active.values()) {
      const view = meter.view();
      if (view.phase !== 'hashing') bytes += view.value;
    }
    const fraction = totalBytes > 0 ? bytes / totalBytes : 1;
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0.5 ? bytes / seconds : 0;
    const eta = rate > 0 ? (totalBytes - bytes) / rate : undefined;
    const label = fitLeft(`all ${finishedFiles}/${files.length} files`, layout.labelWidth);
    return `${label} ${renderBar(fraction, layout.barWidth)} ${`${Math.floor(fraction * 100)}%`.padStart(14)}  ${`${formatBytes(bytes)}/${formatBytes(totalBytes)}`.padEnd(19)} ${formatRate(rate).padStart(11)}  ETA ${formatDuration(eta)}`;
  };
  const overall = multibar.create(totalBytes, 0, { render: overallLine } satisfies Payload);

  return {
    fileStarted(file: FoundFile, handle: UploadHandle) {
      const meter = createFileMeter(file.size);
      const bar = multibar.create(file.size, 0, { render: () => renderBarLine(file.display, meter.view(), layout) } satisfies Payload);
      active.set(file, { meter, bar });
      handle.on('progress', (state) => {
        meter.update(state);
        bar.update(meter.view().value);
      });
    },
    fileFinished(outcome) {
      finishedFiles += 1;
      const { result } = outcome;
      if (result) {
        finishedBytes += result.size;
        multibar.log(`✓ ${outcome.file.display}  ${result.kind}  ${formatBytes(result.size)}  ${mebibytesPerSecond(result.size, outcome.ms).toFixed(1)} MB/s  ${formatDuration(outcome.ms / 1000)}\n`);
      } else {
        multibar.log(`${failureLine(outcome)}\n`);
      }
      overall.update(finishedBytes);
      // Removing redraws at once, which also writes the line logged above.
      const entry = active.get(outcome.file);
      active.delete(outcome.file);
      if (entry) multibar.remove(entry.bar);
      else multibar.update();
    },
    note(message) {
      multibar.log(`${message}\n`);
    },
    end(outcomes, wallMs) {
      multibar.update(); // writes lines still waiting in the log buffer
      multibar.stop();
      reportEnd(sink, outcomes, wallMs);
    },
  };
}

/** Puts the cursor back if we quit while bars are drawn (second Ctrl-C). */
export function restoreCursor(stream: NodeJS.WriteStream): void {
  if (stream.isTTY) stream.write('\u001B[?25h');
}
