// `npm run bench`: every benchmark, each printing its own table. Benchmarks are not tests: they
// measure ratios against a baseline taken in the same run (the machine is shared and noisy).
//
//   npm run bench                  hashing, then proxy memory
//   npm run bench -- hash          one of them (hash | proxy)
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
