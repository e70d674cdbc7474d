/**
 * `vod-upload pending [--clear]`: the uploads that hashed their file but did not finish (their
 * checkpoints), with file, size, age and endpoint; `--clear` forgets them.
 */
import { createDirectoryCheckpointStore } from '../adapters/node/index.js';
import { clearPendingUploads, findPendingUploads } from '../core/index.js';
import { parseFlags } from './flags.js';
import { ageText, formatBytes } from './format.js';
import { renderTable } from './summary.js';
import type { UploadIo } from './upload-command.js';

export const PENDING_USAGE = `Usage: vod-upload pending [options]

Lists the uploads that can resume without hashing (their checkpoints): file, size, age and
endpoint. Run the same upload command again to resume one.

Options:
  --clear                forget them all (the files are hashed again next time)
  --checkpoint-dir DIR   where the checkpoints live (default: the user cache directory)
  --json                 one JSON object per pending upload
  -h, --help             show this help
`;

export { ageText } from './format.js';

export async function runPendingCommand(argv: readonly string[], io: UploadIo): Promise<number> {
  const { values } = parseFlags(
    'vod-upload pending',
    argv,
    { clear: { type: 'boolean' }, 'checkpoint-dir': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    false,
  );
  if (values.help) {
    io.out(PENDING_USAGE);
    return 0;
  }
  const store = createDirectoryCheckpointStore(values['checkpoint-dir']);
  if (values.clear) {
    const removed = await clearPendingUploads(store);
    io.err(`removed ${removed} checkpoint${removed === 1 ? '' : 's'}`);
    return 0;
  }
  const pending = await findPendingUploads(store);
  if (values.json) {
    for (const entry of pending)
      io.out(
        JSON.stringify({
          type: 'pending',
          file: entry.path ?? entry.name ?? null,
          size: entry.size,
          createdAt: new Date(entry.createdAt).toISOString(),
          endpoint: entry.endpoint ?? null,
          key: entry.key,
        }),
      );
    return 0;
  }
  if (pending.length === 0) {
    io.err('no pending uploads');
    return 0;
  }
  const now = Date.now();
  const rows = pending.map((entry) => [
    entry.path ?? entry.name ?? '(unnamed)',
    formatBytes(entry.size),
    ageText(now - entry.createdAt),
    entry.endpoint ?? '?',
  ]);
  io.out(renderTable(['file', 'size', 'age', 'endpoint'], rows, new Set([1])));
  io.out(`\n${pending.length} pending: run the same upload command to resume; vod-upload pending --clear forgets them`);
  return 0;
}
