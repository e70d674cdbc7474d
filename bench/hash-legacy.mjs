// `npm run bench -- hash`: hashing engines over an in-memory Blob (bench/hash.ts), through Vite's
// module runner (Node 20 cannot strip types); it stays open while engines load lazily.
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

console.log(`\n== Hashing: SHA-1 + part MD5s of a ${process.env.BENCH_MIB ?? '256'} MiB Blob, per engine, against node:crypto ==\n`);
const vite = await createServer({ server: { middlewareMode: true, hmr: false }, appType: 'custom', logLevel: 'warn', configFile: false });
try {
  const module = await vite.ssrLoadModule(fileURLToPath(new URL('./hash.ts', import.meta.url)));
  await module.main();
} finally {
  await vite.close();
}
