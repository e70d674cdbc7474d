/**
 * Progress as plain lines (for logs and pipes): a line when a file starts, changes phase, passes
 * each quarter of its upload, and ends. The summary table closes the run.
 */
import { createFileMeter } from './file-meter.js';
import { formatBytes, formatDuration, formatRate, mebibytesPerSecond } from './format.js';
import { failureLine } from './outcome.js';
import { reportEnd, type Reporter, type Sink } from './reporter.js';

export function createPlainReporter(sink: Sink): Reporter {
  return {
    fileStarted(file, handle) {
      const meter = createFileMeter(file.size);
      let phase = '';
      let quarter = 0;
      sink.err(`→ ${file.display} (${formatBytes(file.size)})`);
      handle.on('progress', (state) => {
        meter.update(state);
        const view = meter.view();
        if (view.phase !== phase && view.phase !== 'done' && view.phase !== 'waiting') {
          phase = view.phase;
          sink.err(`  ${file.display}: ${phase}`);
        }
        if (view.phase === 'uploading') {
          const reached = Math.floor(view.fraction * 4);
          if (reached > quarter && reached < 4) {
            quarter = reached;
            sink.err(`  ${file.display}: ${reached * 25}% at ${formatRate(view.speed)}, ETA ${formatDuration(view.eta)}`);
          }
        }
      });
    },
    fileFinished(outcome) {
      const { result } = outcome;
      if (!result) {
        sink.err(failureLine(outcome));
        return;
      }
      sink.err(`✓ ${outcome.file.display}: ${result.kind}, ${formatBytes(result.size)} in ${formatDuration(outcome.ms / 1000)} (${mebibytesPerSecond(result.size, outcome.ms).toFixed(1)} MB/s)`);
    },
    note(message) {
      sink.err(message);
    },
    end(outcomes, wallMs) {
      reportEnd(sink, outcomes, wallMs);
    },
  };
}
