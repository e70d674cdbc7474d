// Runs the TypeScript benchmarks through Vite's module runner (Node 20 cannot strip types).
// Usage: node bench/run.mjs   (BENCH_MIB=64 for a smaller Blob)
import { runnerImport } from 'vite';

const { module } = await runnerImport(new URL('./hash.ts', import.meta.url).pathname);
await module.main();
