#!/usr/bin/env node
/**
 * Benchmark: `uploadFile` of a file on disk (default 256 MiB) to the emulator running in its own
 * process. The uploading process's memory is sampled every 10 ms: a file loaded whole would add
 * its size; streamed parts add about `concurrency` parts. Throughput per phase is printed, with
 * hashing compared to node:crypto over the same file in the same run (the baseline).
 *
 *   node bench/upload-memory.mjs [MiB=256]      (needs `npm run build`)
 */
import { fork } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MiB = 1048576;
const size = Number(process.argv[2] ?? 256) * MiB;
const dir = mkdtempSync(join(tmpdir(), 'vod-upload-bench-'));
const path = join(dir, 'bench.mp4');
const chunk = Buffer.alloc(16 * MiB);
writeFileSync(path, '');
for (let written = 0; written < size; written += chunk.length) {
  randomFillSync(chunk);
  writeFileSync(path, chunk.subarray(0, Math.min(chunk.length, size - written)), { flag: 'a' });
}

// The emulator in its own process, so its memory is not counted here.
const emulator = fork(new URL('../dist/emulator.js', import.meta.url).pathname, [], {
  execArgv: [
    '--input-type=module',
    '-e',
    `
  const { startEmulator } = await import(${JSON.stringify(new URL('../dist/emulator.js', import.meta.url).href)});
  const emu = await startEmulator({ port: 0 });
  process.send(emu.endpoint);
  process.on('message', async () => { await emu.close(); process.exit(0); });
`,
  ],
  stdio: 'inherit',
});
const endpoint = await new Promise((resolve) => emulator.once('message', resolve));

const baselineStart = performance.now();
await new Promise((resolve, reject) => {
  const sha1 = createHash('sha1');
  const md5 = createHash('md5');
  createReadStream(path)
    .on('data', (data) => (sha1.update(data), md5.update(data)))
    .on('end', resolve)
    .on('error', reject);
});
const baselineSeconds = (performance.now() - baselineStart) / 1000;

const { uploadFile, DEV_CREDENTIALS } = await import(new URL('../dist/node.js', import.meta.url).href).then(async (node) => ({
  ...node,
  DEV_CREDENTIALS: (await import(new URL('../dist/emulator.js', import.meta.url).href)).DEV_CREDENTIALS,
}));

globalThis.gc?.();
const before = process.memoryUsage();
const peak = { rss: before.rss, heapUsed: before.heapUsed, arrayBuffers: before.arrayBuffers };
const sampler = setInterval(() => {
  const now = process.memoryUsage();
  for (const key of Object.keys(peak)) peak[key] = Math.max(peak[key], now[key]);
}, 10);
const marks = { start: performance.now(), uploading: 0, done: 0 };
const result = await uploadFile(path, {
  endpoint,
  ...DEV_CREDENTIALS,
  checkpoints: false,
  concurrency: 4,
  onProgress: (p) => {
    if (p.phase !== 'hashing' && !marks.uploading) marks.uploading = performance.now();
  },
});
marks.done = performance.now();
clearInterval(sampler);
emulator.send('stop');
rmSync(dir, { recursive: true, force: true });

const mb = size / 1e6;
const fmt = (bytes) => `${(bytes / MiB).toFixed(1)} MiB`;
const hashSeconds = (marks.uploading - marks.start) / 1000;
const sendSeconds = (marks.done - marks.uploading) / 1000;
console.log(
  `\nuploadFile of ${size / MiB} MiB (${result.partsSent} parts, 4 in flight) → ${result.kind}, fileId ${result.fileId}, engine ${result.hashEngine}\n`,
);
console.log('| phase | seconds | MB/s | vs node:crypto read+hash |');
console.log('|---|---:|---:|---:|');
console.log(`| node:crypto, one stream (baseline) | ${baselineSeconds.toFixed(2)} | ${(mb / baselineSeconds).toFixed(0)} | 1.00× |`);
console.log(
  `| hashing (worker thread) | ${hashSeconds.toFixed(2)} | ${(mb / hashSeconds).toFixed(0)} | ${(baselineSeconds / hashSeconds).toFixed(2)}× |`,
);
console.log(`| sending parts + Finish | ${sendSeconds.toFixed(2)} | ${(mb / sendSeconds).toFixed(0)} | — |`);
console.log('\n| uploader memory | before | peak | peak delta | delta / file size |');
console.log('|---|---:|---:|---:|---:|');
for (const key of Object.keys(peak)) {
  console.log(
    `| ${key} | ${fmt(before[key])} | ${fmt(peak[key])} | ${fmt(peak[key] - before[key])} | ${(((peak[key] - before[key]) / size) * 100).toFixed(1)} % |`,
  );
}
