// Hash throughput of the server adapters on a real file (not a test; run by hand):
//   node test/runtimes/bench-hash.mjs [MiB]     deno run -A test/runtimes/bench-hash.mjs [MiB]     bun test/runtimes/bench-hash.mjs [MiB]
// Each runner hashes the file (SHA-1 + 1 MiB part MD5s) 3 times; the best MB/s is printed, with the
// longest event-loop stall seen meanwhile (a 5 ms timer's lateness).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from './scenario.mjs';

const runtime =
  typeof Deno !== 'undefined'
    ? `Deno ${Deno.version.deno}`
    : typeof Bun !== 'undefined'
      ? `Bun ${Bun.version}`
      : `Node ${process.versions.node}`;
const args = typeof Deno !== 'undefined' ? Deno.args : process.argv.slice(2);
const mib = Number(args[0] ?? 256);
const api = await import(
  typeof Deno !== 'undefined' ? 'vod-upload/deno' : typeof Bun !== 'undefined' ? 'vod-upload/bun' : 'vod-upload/node'
);
const make = api.createNodeHasher ?? api.createDenoHasher ?? api.createBunHasher;
const dir = await mkdtemp(join(tmpdir(), 'vod-bench-'));
const path = join(dir, 'bench.mp4');
const chunk = randomBytes(16 << 20);
await writeFile(path, new Uint8Array(0));
for (let written = 0; written < mib; written += 16)
  await writeFile(path, chunk.subarray(0, Math.min(16, mib - written) << 20), { flag: 'a' });

function stallProbe() {
  let worst = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 5);
    last = now;
  }, 5);
  return () => (clearInterval(timer), Math.round(worst));
}

try {
  for (const runner of ['worker', 'inline']) {
    const hasher = make({ runner });
    let best = 0;
    let stall = 0;
    let result;
    for (let round = 0; round < 3; round++) {
      const file = await api.openFile(path);
      const stop = stallProbe();
      const started = performance.now();
      result = await hasher.hash(file, { partSize: 1 << 20 });
      const seconds = (performance.now() - started) / 1000;
      stall = Math.max(stall, stop());
      best = Math.max(best, (mib * 1048576) / 1e6 / seconds);
    }
    console.log(
      `${runtime} ${runner.padEnd(6)} engine=${result.engine} runner=${result.runner}: ${Math.round(best)} MB/s (best of 3, ${mib} MiB), longest event-loop stall ${stall} ms`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
