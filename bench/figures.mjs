// The six figures of `npm run bench` (see run.mjs). Each measures its subject and its baseline in
// the same repetition; run.mjs interleaves the repetitions of all figures.
import { createHash, randomFillSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONCURRENCY, DEV, MiB, PART, nativeHash, rawUpload, run, signedPathFor, startServer } from './lib.mjs';

const cli = new URL('../bin/vod-upload.js', import.meta.url).pathname;
const here = (name) => new URL(name, import.meta.url).pathname;
const seconds = (ms) => ms / 1000;

export const workdir = mkdtempSync(join(tmpdir(), 'vod-bench-'));
export const cleanup = () => rmSync(workdir, { recursive: true, force: true });

/** A file of random bytes. */
export async function randomFile(name, size) {
  const path = join(workdir, name);
  const handle = await open(path, 'w');
  const chunk = Buffer.allocUnsafe(16 * MiB);
  for (let written = 0; written < size; written += chunk.length) {
    randomFillSync(chunk);
    await handle.write(chunk, 0, Math.min(chunk.length, size - written));
  }
  await handle.close();
  return path;
}

/** A sparse file of zeros with a few random bytes at known places; its SHA-1 computed from them. */
export async function sparseFile(name, size) {
  const path = join(workdir, name);
  // Past 2^32 when the file is that big (where Node 20's openAsBlob goes wrong), else mid-file.
  const marks = [0, size > 2 ** 32 + MiB ? 2 ** 32 + 12345 : Math.floor(size / 2), size - 100].map((offset) => ({
    offset,
    bytes: randomFillSync(Buffer.alloc(100)),
  }));
  const handle = await open(path, 'w');
  await handle.truncate(size);
  for (const { offset, bytes } of marks) await handle.write(bytes, 0, bytes.length, offset);
  await handle.close();
  const sha1 = createHash('sha1');
  const zeros = Buffer.alloc(PART);
  for (let offset = 0; offset < size; offset += PART) {
    const length = Math.min(PART, size - offset);
    const touched = marks.filter((mark) => mark.offset < offset + length && mark.offset + mark.bytes.length > offset);
    if (touched.length === 0) {
      sha1.update(zeros.subarray(0, length));
      continue;
    }
    const part = Buffer.alloc(length);
    for (const mark of touched) mark.bytes.copy(part, mark.offset - offset);
    sha1.update(part);
  }
  return { path, sha1: sha1.digest('hex') };
}

async function withServer(mode, task) {
  const server = await startServer(mode);
  try {
    return await task(server);
  } finally {
    await server.close();
  }
}

/**
 * 1. Emulator ingest: 1024 signed 1 MiB parts + Finish, 4 in flight, against a server that only drains.
 * The same requests also go to two diagnostic servers (see server-child.mjs): one that drains and
 * MD5s each body, and one that also keeps every body and SHA-1s it, which is the least any
 * emulator that checks and stores parts must pay.
 */
export async function emulatorIngest(parts = 1024) {
  const body = randomFillSync(Buffer.alloc(PART));
  const md5 = createHash('md5').update(body).digest('hex');
  const sha1 = createHash('sha1');
  for (let i = 0; i < parts; i++) sha1.update(body);
  const fileSha = sha1.digest('hex');
  const size = parts * PART;
  const timeAgainst = (mode) =>
    withServer(mode, async (server) => {
      // Signed ahead: the fixed client's own work is not what is measured.
      const presigned = [];
      for (let i = 0; i < parts; i++)
        presigned.push(await signedPathFor(server.port, 'UploadPart', { fileSha, offset: i * PART, dataSize: PART, dataMd5: md5 }));
      const cpuBefore = (await server.stats()).cpuMs;
      const started = performance.now();
      await rawUpload({ port: server.port, fileSha, size, partBytes: () => body, partMd5: () => md5, presigned });
      const mibps = size / MiB / seconds(performance.now() - started);
      return { mibps, cpuPerPart: ((await server.stats()).cpuMs - cpuBefore) / parts };
    });
  const emulator = await timeAgainst('emulator');
  const drain = await timeAgainst('drain');
  const drainMd5 = await timeAgainst('drain-md5');
  const keep = await timeAgainst('keep');
  // What the emulator must do per byte, alone: node:crypto MD5 of each part + the file's SHA-1, one thread.
  const started = performance.now();
  const whole = createHash('sha1');
  for (let i = 0; i < parts; i++) {
    createHash('md5').update(body).digest('hex');
    whole.update(body);
  }
  whole.digest('hex');
  const hashOnly = size / MiB / seconds(performance.now() - started);
  const row = (name, server) => `${name} ${server.mibps.toFixed(0)} MiB/s (${server.cpuPerPart.toFixed(1)} ms CPU per part)`;
  return {
    value: emulator.mibps,
    baseline: drain.mibps,
    hashOnlyMiBps: hashOnly,
    drainMd5MiBps: drainMd5.mibps,
    keepMiBps: keep.mibps,
    serverCpuMsPerPart: { emulator: emulator.cpuPerPart, drain: drain.cpuPerPart, drainMd5: drainMd5.cpuPerPart, keep: keep.cpuPerPart },
    detail: `${row('emulator', emulator)}, ${row('drain-only', drain)}, ${row('drain + MD5', drainMd5)}, ${row('keep + MD5 + SHA-1', keep)}; MD5 + SHA-1 alone on one thread ${hashOnly.toFixed(0)} MiB/s`,
  };
}

/** 2. Client CPU per 1 MiB part: upload() vs plain fetch of the same Blob slices, each in its own process. */
export async function clientCpuPerPart(path, hashesPath) {
  const measure = (mode) =>
    withServer('emulator', async (server) => {
      const out = await run(process.execPath, [here('client-cpu.mjs'), mode, path, String(server.port), hashesPath], {
        timeoutMs: 180_000,
      });
      if (out.code !== 0) throw new Error(`client-cpu ${mode} failed: ${out.stderr}`);
      const { cpuMs, parts } = JSON.parse(out.stdout);
      return cpuMs / parts;
    });
  const engine = await measure('engine');
  const raw = await measure('raw');
  return { value: engine, baseline: raw, detail: `upload() ${engine.toFixed(2)} ms, raw fetch ${raw.toFixed(2)} ms CPU per part` };
}

/** 3. CLI upload of the file vs the floor: native one-thread hashing + the fixed client's raw parts into the same kind of emulator. */
export async function cliUpload(path, size, hashes) {
  const started = performance.now();
  await nativeHash(path, size);
  const hashMs = performance.now() - started;
  const handle = await open(path);
  const rawMs = await withServer('emulator', async (server) => {
    const begin = performance.now();
    await rawUpload({
      port: server.port,
      fileSha: hashes.sha1,
      size,
      partBytes: async (index) => {
        const length = Math.min(PART, size - index * PART);
        const buffer = Buffer.allocUnsafe(length);
        await handle.read(buffer, 0, length, index * PART);
        return buffer;
      },
      partMd5: (index) => hashes.md5s[index],
    });
    return performance.now() - begin;
  });
  await handle.close();
  const cliMs = await withServer('emulator', async (server) => {
    const checkpoints = mkdtempSync(join(workdir, 'cp-'));
    const out = await run(process.execPath, [cli, path, '--endpoint', server.endpoint, '--json', '--checkpoint-dir', checkpoints], {
      env: { ...process.env, VOD_SECRET_ID: DEV.secretId, VOD_SECRET_KEY: DEV.secretKey },
    });
    const record = JSON.parse(out.stdout.trim().split('\n').at(-1) || '{}');
    if (out.code !== 0 || record.status !== 'done' || record.sha1 !== hashes.sha1)
      throw new Error(`CLI upload failed: ${out.stdout} ${out.stderr}`);
    return out.ms;
  });
  const floorMs = hashMs + rawMs;
  const mib = size / MiB;
  return {
    value: mib / seconds(cliMs),
    baseline: mib / seconds(floorMs),
    detail: `CLI ${seconds(cliMs).toFixed(1)} s; floor ${seconds(floorMs).toFixed(1)} s = hash ${seconds(hashMs).toFixed(1)} s + raw parts ${seconds(rawMs).toFixed(1)} s`,
  };
}

/** 4. The Node entry's default hasher vs node:crypto on one thread, sequential. */
export async function nodeHashing(path, size) {
  const { createNodeHasher, openFile } = await import(new URL('../dist/node.js', import.meta.url).href);
  const begin = performance.now();
  const result = await createNodeHasher().hash(await openFile(path), { partSize: PART });
  const defaultMs = performance.now() - begin;
  const started = performance.now();
  const native = await nativeHash(path, size);
  const nativeMs = performance.now() - started;
  if (result.sha1 !== native.sha1 || result.partMd5s.join() !== native.md5s.join()) throw new Error('hashes differ');
  const mib = size / MiB;
  return {
    value: mib / seconds(defaultMs),
    baseline: mib / seconds(nativeMs),
    detail: `default (${result.threads ?? 1} threads) ${seconds(defaultMs).toFixed(1)} s, native one thread ${seconds(nativeMs).toFixed(1)} s`,
  };
}

/** 5. Peak RSS of the CLI uploading the 5 GiB sparse file; the SHA-1 Finish accepted is the file's. */
export async function cliPeakRss(sparse) {
  const rssFile = join(workdir, 'rss.txt');
  const measured = (args, env = {}) =>
    run(process.execPath, ['--import', here('max-rss.mjs'), ...args], {
      env: { ...process.env, ...env, BENCH_RSS_FILE: rssFile },
      timeoutMs: 900_000,
    }).then(async (out) => ({ out, rssMiB: Number(await readFile(rssFile, 'utf8')) / 1024 }));
  const bare = await measured(['-e', 'setTimeout(() => {}, 50)']);
  // The emulator keeps the parts in memory (its peak RSS is reported: about the file's size). On
  // disk, its FinishUpload copies every part into the finished file: minutes for 5 GiB here.
  const upload = await withServer('emulator', async (server) => {
    const checkpoints = mkdtempSync(join(workdir, 'cp-'));
    const out = await measured([cli, sparse.path, '--endpoint', server.endpoint, '--json', '--checkpoint-dir', checkpoints], {
      VOD_SECRET_ID: DEV.secretId,
      VOD_SECRET_KEY: DEV.secretKey,
    });
    return { ...out, emulatorPeakMiB: (await server.stats()).peakRssMiB };
  });
  if (upload.out.signal)
    throw new Error(
      `the ${sparse.path} upload was killed (${upload.out.signal}) after ${(upload.out.ms / 1000).toFixed(0)} s: too slow for the time limit`,
    );
  const record = JSON.parse(upload.out.stdout.trim().split('\n').at(-1) || '{}');
  // FinishUpload answers code 0 only when the assembled file's SHA-1 equals fileSha: the CLI's
  // sha1 is what Finish checked, and it must be the one computed here from the file's content.
  if (upload.out.code !== 0 || record.status !== 'done' || record.sha1 !== sparse.sha1) {
    throw new Error(`5 GiB upload failed or SHA-1 differs (expected ${sparse.sha1}): ${upload.out.stdout} ${upload.out.stderr}`);
  }
  return {
    value: upload.rssMiB,
    baseline: bare.rssMiB,
    emulatorPeakMiB: upload.emulatorPeakMiB,
    seconds: upload.out.ms / 1000,
    detail: `CLI peak RSS ${upload.rssMiB.toFixed(0)} MiB (bare node ${bare.rssMiB.toFixed(0)} MiB), ${(upload.out.ms / 1000).toFixed(0)} s; emulator peak ${upload.emulatorPeakMiB.toFixed(0)} MiB; Finish SHA-1 ${record.sha1} = expected`,
  };
}

/** 6. SIGKILL the CLI at ~50 % of the parts, run it again: bytes sent twice and bytes hashed again. */
export async function resumeAfterKill(path, size) {
  return withServer('emulator', async (server) => {
    const checkpoints = mkdtempSync(join(workdir, 'cp-'));
    const args = [cli, path, '--endpoint', server.endpoint, '--json', '--checkpoint-dir', checkpoints];
    const env = { ...process.env, VOD_SECRET_ID: DEV.secretId, VOD_SECRET_KEY: DEV.secretKey };
    const half = Math.ceil(size / PART / 2);
    let killedAt = 0;
    await run(process.execPath, args, {
      env,
      onChild: (child) => {
        const poll = async () => {
          for (let i = 0; i < 6000 && child.exitCode === null; i++) {
            const stats = await server.stats();
            if (stats.partsStored >= half) {
              killedAt = stats.partsStored;
              child.kill('SIGKILL');
              return;
            }
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        };
        void poll();
      },
    });
    if (killedAt === 0) throw new Error('the first run ended before it could be killed at 50 %');
    for (let i = 0; i < 500 && (await server.stats()).inFlight > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await run(process.execPath, args, { env });
    const record = JSON.parse(again.stdout.trim().split('\n').at(-1) || '{}');
    if (again.code !== 0 || record.status !== 'done') throw new Error(`resume failed: ${again.stdout} ${again.stderr}`);
    const { bytesReceived } = await server.stats();
    const resent = bytesReceived - size;
    return {
      value: resent / MiB,
      baseline: (CONCURRENCY * PART) / MiB,
      rehashedMiB: (record.hashedBytes ?? 0) / MiB,
      detail: `killed with ${killedAt} of ${Math.ceil(size / PART)} parts stored; re-sent ${(resent / MiB).toFixed(2)} MiB, re-hashed ${((record.hashedBytes ?? 0) / MiB).toFixed(2)} MiB, second run sent ${record.partsSent} parts`,
    };
  });
}
