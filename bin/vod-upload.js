#!/usr/bin/env node
// The `vod-upload` command: runs the built CLI in dist/.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// Smaller heap growth steps: an upload makes short-lived garbage per part, and with V8's default
// steps the old generation grew by ~0.1 MiB per part between collections (CLI peak RSS 129 MiB
// for 512 MiB, 150 MiB for 5 GiB; 104 MiB with this). Set before anything big is loaded.
setFlagsFromString('--optimize-for-size');

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
