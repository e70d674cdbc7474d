#!/usr/bin/env node
/**
 * Benchmark: the upload proxy forwarding a 256 MiB upload (256 parts of 1 MiB, 4 in flight) to
 * the emulator, each in its own process. The proxy's memory (RSS, heap, ArrayBuffers) is sampled
 * every 10 ms: if parts were buffered it would grow by the bytes in flight or more; streamed, it
 * stays flat.
 *
 *   node bench/proxy-memory.mjs [MiB=256]
 */
import { fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MiB = 1048576;
const parts = Number(process.argv[2] ?? 256);
const concurrency = 4;
const out = mkdtempSync(join(tmpdir(), 'vod-proxy-bench-'));

await build({
  configFile: false,
  logLevel: 'warn',
  root,
  ssr: { noExternal: true },
  build: {
    ssr: join(root, 'bench/proxy-memory.server.ts'),
    outDir: out,
    target: 'node20',
    minify: false,
    emptyOutDir: false,
    rollupOptions: { output: { entryFileNames: 'server.mjs' } },
  },
});

/** Starts a child and waits (≤ 20 s) for its READY line. */
function start(args) {
  const child = fork(join(out, 'server.mjs'), args, { execArgv: ['--expose-gc'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start`)), 20_000);
    child.stdout.on('data', (chunk) => {
      const match = /READY (\S+)/.exec(String(chunk));
      if (match) {
        clearTimeout(timer);
        resolvePromise({ child, url: match[1] });
      }
    });
  });
}

const mark = (child, gc) =>
  new Promise((resolvePromise) => {
    child.once('message', resolvePromise);
    child.send({ type: 'mark', gc });
  });

const emulator = await start(['emulator']);
const proxy = await start(['proxy', emulator.url]);
try {
  // Distinct parts from one random MiB: the part index is written into each.
  const base = randomBytes(MiB);
  const partBytes = (i) => {
    const bytes = Buffer.from(base);
    bytes.writeUInt32BE(i, 0);
    return bytes;
  };
  const sha1 = createHash('sha1');
  const md5s = [];
  for (let i = 0; i < parts; i++) {
    const bytes = partBytes(i);
    sha1.update(bytes);
    md5s.push(createHash('md5').update(bytes).digest('hex'));
  }
  const fileSha = sha1.digest('hex');
  const call = async (params, body) => {
    const query = new URLSearchParams({ Region: 'gz', ...params });
    const response = await fetch(`${proxy.url}/vod-upload?${query}`, { method: 'POST', body });
    const answer = await response.json();
    if (answer.code !== 0) throw new Error(`${params.Action} answered ${JSON.stringify(answer)}`);
    return answer;
  };

  const before = await mark(proxy.child, true);
  const started = performance.now();
  await call({ Action: 'InitUpload', fileName: 'bench', fileType: 'mp4', fileSha, fileSize: String(parts * MiB), dataSize: String(MiB) });
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < parts) {
        const i = next++;
        await call({ Action: 'UploadPart', fileSha, offset: String(i * MiB), dataSize: String(MiB), dataMd5: md5s[i] }, partBytes(i));
      }
    }),
  );
  const finish = await call({ Action: 'FinishUpload', fileSha });
  const seconds = (performance.now() - started) / 1000;
  const during = await mark(proxy.child, false);
  const after = await mark(proxy.child, true);

  const fmt = (bytes) => `${(bytes / MiB).toFixed(1)} MiB`;
  const row = (name, key) =>
    `| ${name.padEnd(13)} | ${fmt(before.now[key]).padStart(10)} | ${fmt(during.peak[key]).padStart(10)} | ${fmt(during.peak[key] - before.now[key]).padStart(10)} | ${fmt(after.now[key]).padStart(10)} |`;
  console.log(
    `proxy forwarded ${parts} MiB (${parts} parts, ${concurrency} in flight) in ${seconds.toFixed(1)} s (${(parts / seconds).toFixed(0)} MiB/s); fileId ${finish.fileId}`,
  );
  console.log('| proxy memory  |     before |       peak | peak delta |   after gc |');
  console.log('|---------------|-----------:|-----------:|-----------:|-----------:|');
  console.log(row('rss', 'rss'));
  console.log(row('heapUsed', 'heapUsed'));
  console.log(row('arrayBuffers', 'arrayBuffers'));
  console.log(row('external', 'external'));
} finally {
  proxy.child.kill();
  emulator.child.kill();
  rmSync(out, { recursive: true, force: true });
}
