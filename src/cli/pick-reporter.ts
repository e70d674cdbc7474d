/** Which reporter a run gets: JSON, quiet, bars on a terminal, or plain lines. */
import { createJsonReporter, createQuietReporter, type Reporter } from './reporter.js';
import { createPlainReporter } from './reporter-plain.js';
import { createTtyReporter } from './reporter-tty.js';
import type { UploadIo } from './upload-command.js';
import type { FoundFile } from './walk.js';

export function pickReporter(io: UploadIo, flags: { json: boolean; quiet: boolean }, files: readonly FoundFile[], width: number): Reporter {
  if (flags.json) return createJsonReporter(io, flags.quiet, width);
  if (flags.quiet) return createQuietReporter(io, width);
  if (io.tty) return createTtyReporter(io, { stream: io.tty, files, width });
  return createPlainReporter(io, width);
}
