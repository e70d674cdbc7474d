#!/usr/bin/env node
// `npm start`: the emulator (data kept in ./.vod-data) and the playground page, from the sources
// (Vite loads playground/server.ts directly: no build step). Ctrl-C stops both.
import { resolve } from 'node:path';
import { runnerImport } from 'vite';

const root = resolve(import.meta.dirname, '..');
const env = process.env;
const port = (name, fallback) => {
  const value = env[name] === undefined ? fallback : Number(env[name]);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${name} must be a port number (0-65535), got ${env[name]}`);
    process.exit(2);
  }
  return value;
};

const { module: server } = await runnerImport(resolve(root, 'playground/server.ts'), { root, configFile: false, logLevel: 'warn' });
let playground;
try {
  playground = await server.startPlayground({
    data: resolve(env.VOD_DATA ?? '.vod-data'),
    emulatorPort: port('VOD_EMULATOR_PORT', 8787),
    pagePort: port('PORT', 5173),
  });
} catch (error) {
  console.error(`could not start: ${error instanceof Error ? error.message : error}`);
  if (error?.code === 'EADDRINUSE')
    console.error('another emulator is using the port: stop it, or set VOD_EMULATOR_PORT=0 to pick a free one');
  process.exit(1);
}

console.log(`
  vod-upload is running

  playground  ${playground.pageUrl}
  emulator    ${playground.emulator.endpoint}   (data in ${resolve(env.VOD_DATA ?? '.vod-data')})
  control     ${playground.emulator.origin}/_emulator/log

  Drop videos on the page, or from another terminal:
    node bin/vod-upload.js --endpoint ${playground.emulator.endpoint} ./my-videos

  Press Ctrl+C to stop.
`);

let stopping = false;
const stop = async (signal) => {
  if (stopping) process.exit(130);
  stopping = true;
  console.log(`\nstopping (${signal})…`);
  await playground.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
