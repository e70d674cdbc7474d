/**
 * Progress as plain lines (for logs and pipes): a line when a file starts, changes phase, passes
 * each quarter of its upload (with its speed, how many parts were in flight, and the ETA), retries,
 * and ends. The summary table closes the run.
 */
import { createFileMeter } from './file-meter.js';
import { doneLine, failureLine } from './outcome.js';
import { formatBytes, formatDuration, formatRate } from './format.js';
import { reportEnd, type Reporter, type Sink } from './reporter.js';
import { retryLine } from './retry-notice.js';

export function createPlainReporter(sink: Sink, width: number): Reporter {
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
            // The figure `--concurrency auto` has reached: in a log, the one place to see it.
            const parts = state.concurrency > 0 ? `, ${state.concurrency} ${state.concurrency === 1 ? 'part' : 'parts'} in flight` : '';
            sink.err(`  ${file.display}: ${reached * 25}% at ${formatRate(view.speed)}${parts}, ETA ${formatDuration(view.eta)}`);
          }
        }
      });
    },
    retry(file, notice) {
      sink.err(retryLine(file, notice, width));
    },
    fileFinished(outcome) {
      sink.err(outcome.result ? doneLine(outcome, width) : failureLine(outcome, width));
    },
    note(message) {
      sink.err(message);
    },
    halt() {},
    end(outcomes, wallMs) {
      reportEnd(sink, outcomes, wallMs, width);
    },
  };
}
