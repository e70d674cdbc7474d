// `npm run bench`: every benchmark, each printing its own table. Benchmarks are not tests: they
// measure ratios against a baseline taken in the same run (the machine is shared and noisy).
//
//   npm run bench                  hashing, proxy memory, then an upload's memory
//   npm run bench -- hash          one of them (hash | proxy | upload)
//   BENCH_MIB=64 npm run bench     smaller inputs
//
// TypeScript benchmarks go through Vite's module runner (Node 20 cannot strip types).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const only = process.argv[2];
const mib = process.env.BENCH_MIB ?? '256';

if (!only || only === 'hash') {
  console.log(`\n== Hashing: SHA-1 + part MD5s of a ${mib} MiB Blob, per engine, against node:crypto ==\n`);
  // A dev server's module runner stays open while the benchmark runs: engines load lazily.
  const vite = await createServer({ server: { middlewareMode: true, hmr: false }, appType: 'custom', logLevel: 'warn', configFile: false });
  try {
    const module = await vite.ssrLoadModule(fileURLToPath(new URL('./hash.ts', import.meta.url)));
    await module.main();
  } finally {
    await vite.close();
  }
}
if (!only || only === 'proxy') {
  console.log(`\n== Upload proxy: memory while forwarding a ${mib} MiB upload ==\n`);
  const proxy = spawnSync(process.execPath, [fileURLToPath(new URL('./proxy-memory.mjs', import.meta.url)), mib], { stdio: 'inherit' });
  if (proxy.status !== 0) process.exitCode = proxy.status ?? 1;
}
if (!only || only === 'upload') {
  console.log(`\n== uploadFile: throughput and memory of the uploading process, ${mib} MiB file ==\n`);
  const run = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(new URL('./upload-memory.mjs', import.meta.url)), mib], { stdio: 'inherit' });
  if (run.status !== 0) process.exitCode = run.status ?? 1;
}
