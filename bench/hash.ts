/**
 * Hash throughput benchmark (not a test): a 256 MiB Blob hashed by each engine through the real
 * single-pass loop, as MB/s and as a ratio to node:crypto driven directly in the same run.
 * Run: `npm run bench` (node bench/run.mjs). Size: BENCH_MIB=64 npm run bench.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { createMD5 } from 'hash-wasm';
import { createInlineHasher, sparkEngine, wasmEngine } from '../src/hasher/index.js';
import type { HashEngineLoader } from '../src/hasher/index.js';
import { nodeCryptoEngine } from '../src/adapters/node/native-hash-engine.js';

const MiB = 1 << 20;
const PART = MiB;
const PIECE = 64 * 1024; // browsers hand blob.stream() chunks of about this size

function makeBlob(size: number): Blob {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65536) randomFillSync(bytes, at, Math.min(65536, size - at));
  const pieces: Uint8Array<ArrayBuffer>[] = [];
  for (let at = 0; at < size; at += PIECE) pieces.push(bytes.subarray(at, at + PIECE));
  return new Blob(pieces);
}

async function time(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
}

/** Reads the stream only: the ceiling any engine can reach here. */
async function readOnly(blob: Blob): Promise<void> {
  const reader = blob.stream().getReader();
  for (;;) if ((await reader.read()).done) break;
}

/** node:crypto fed straight from the stream, no part splitting: the baseline. */
async function nativeDirect(blob: Blob): Promise<void> {
  const sha1 = createHash('sha1');
  let md5 = createHash('md5');
  let fill = 0;
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    sha1.update(value);
    md5.update(value);
    fill += value.byteLength;
    if (fill >= PART) {
      md5.digest();
      md5 = createHash('md5');
      fill = 0;
    }
  }
  sha1.digest();
}

export async function main(): Promise<void> {
  const mib = Number(process.env.BENCH_MIB ?? 256);
  const size = mib * MiB;
  const blob = makeBlob(size);
  const mbps = (seconds: number): number => size / 1e6 / seconds;
  const rows: { name: string; seconds: number }[] = [];
  // Best of `runs` (the machine is shared); slow engines get one run.
  const bestOf = async (runs: number, run: () => Promise<unknown>): Promise<number> => {
    let best = Infinity;
    for (let i = 0; i < runs; i++) best = Math.min(best, await time(run));
    return best;
  };

  rows.push({ name: 'read only (blob.stream)', seconds: await bestOf(3, () => readOnly(blob)) });
  const baseline = await bestOf(3, () => nativeDirect(blob));
  rows.push({ name: 'node:crypto direct (baseline)', seconds: baseline });
  const engines: [HashEngineLoader, number][] = [
    [nodeCryptoEngine, 3],
    [wasmEngine, 3],
    [sparkEngine, 1],
  ];
  for (const [loader, runs] of engines) {
    const hasher = createInlineHasher({ engines: [loader] });
    const seconds = await bestOf(runs, async () => {
      const result = await hasher.hash(blob, { partSize: PART });
      if (result.bytesHashed !== size || result.partMd5s.length !== mib) throw new Error('bad result');
    });
    rows.push({ name: `engine ${loader.name} (hashBlob)`, seconds });
  }

  console.log(`\nHash throughput, ${mib} MiB Blob of ${PIECE / 1024} KiB pieces, part size ${PART} (Node ${process.version})\n`);
  console.log('| variant | seconds | MB/s | vs node:crypto |');
  console.log('|---|---:|---:|---:|');
  for (const row of rows) {
    console.log(`| ${row.name} | ${row.seconds.toFixed(2)} | ${mbps(row.seconds).toFixed(0)} | ${(baseline / row.seconds).toFixed(2)}× |`);
  }

  // The wasm engine re-initialises one MD5 instance per part (synchronous); creating one per part
  // would need an await per part. This shows what creating would cost.
  const creations = 200;
  const createSeconds = await time(async () => {
    for (let i = 0; i < creations; i++) await createMD5();
  });
  const perPartMs = (createSeconds * 1000) / creations;
  console.log(
    `\nhash-wasm createMD5(): ${perPartMs.toFixed(3)} ms each → ${((perPartMs * mib) / 1000).toFixed(2)} s extra ` +
      `for ${mib} parts if one were created per part.`,
  );
}
