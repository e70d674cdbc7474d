#!/usr/bin/env node
// The `vod-upload` command: runs the built CLI in dist/.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('vod-upload: dist/cli.js is missing; run npm run build\n');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
