#!/usr/bin/env node
// The `vod-upload` command: runs the built CLI in dist/.
import { existsSync } from 'node:fs';
import { leanHeap } from './lean-heap.js';

// Before anything big is loaded (see lean-heap.js). CLI peak RSS uploading 5 GiB: 150 MiB with
// V8's defaults, ~120 with --optimize-for-size alone (lost once the hash workers started).
leanHeap();

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('vod-upload: dist/cli.js is missing; run npm run build\n');
  process.exit(1);
}
const { main } = await import(cli.href);
// Not a top-level await: if the work ever stopped with nothing left to wait for, Node would exit
// with code 13 and no word. This says what happened instead.
let settled = false;
process.once('beforeExit', () => {
  if (settled) return;
  process.stderr.write(
    'vod-upload: internal error: the command stopped before it finished (nothing left to wait for); please report this\n',
  );
  process.exitCode = 70;
});
main(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    process.exitCode = code;
  },
  (error) => {
    settled = true;
    process.stderr.write(`vod-upload: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  },
);
