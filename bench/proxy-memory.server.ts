/**
 * Child process of bench/proxy-memory.mjs (bundled by it): `emulator` serves the emulator,
 * `proxy <upstream>` serves the upload proxy and samples its own memory. Prints `READY <origin>`.
 * The proxy answers IPC `mark` with the memory seen since the previous mark.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { DEV_CREDENTIALS, startEmulator } from '../src/emulator/index.js';
import { createUploadProxy } from '../src/proxy/index.js';

const [mode, upstream] = process.argv.slice(2);

if (mode === 'emulator') {
  const emu = await startEmulator({ port: 0 });
  console.log(`READY ${emu.endpoint}`);
} else if (mode === 'proxy' && upstream) {
  const handler = createUploadProxy({ ...DEV_CREDENTIALS, upstream, authorize: () => true });
  const server = serve({ fetch: handler, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
    console.log(`READY http://127.0.0.1:${info.port}`),
  );
  void server;
  const sample = () => {
    const m = process.memoryUsage();
    return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
  };
  let peak = sample();
  setInterval(() => {
    const now = sample();
    for (const key of Object.keys(peak) as (keyof typeof peak)[]) peak[key] = Math.max(peak[key], now[key]);
  }, 10).unref();
  process.on('message', (message: { type: string; gc?: boolean }) => {
    if (message.type !== 'mark') return;
    if (message.gc) (globalThis as { gc?: () => void }).gc?.();
    const now = sample();
    process.send?.({ type: 'mark', now, peak });
    peak = now;
  });
  process.on('disconnect', () => process.exit(0));
} else {
  console.error('usage: proxy-memory.server (emulator | proxy <upstream>)');
  process.exit(2);
}
