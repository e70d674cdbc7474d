// The runtime matrix's end-to-end scenario, in plain ESM so that Node, Deno and Bun run the same
// file against the same emulator: a new multi-part upload, an instant upload of the same file, and
// an upload aborted at about half then resumed in a fresh handle from the on-disk checkpoint.
// Everything is checked against the emulator's own log and the bytes it serves.
//
// runScenario(ctx) → a JSON-able report. ctx:
//   runtime    'node' | 'deno' | 'bun'
//   api        the imported `vod-upload` module (the runtime's adapter)
//   origin     the emulator's origin, e.g. http://127.0.0.1:41234
//   writeFile  async (name, bytes: Uint8Array) → absolute path, written with the runtime's own API
//   tempDir    a fresh directory for checkpoints
//   credentials { secretId, secretKey }
//   createHasher  () → the adapter's default hasher (createNodeHasher, createDenoHasher, …)
//   version    the runtime's version, for the report

/** How a runtime's run.mjs hands its report to the test: one `RESULT <json>` line on stdout. */
export function printResult(report) {
  console.log(`RESULT ${JSON.stringify(report)}`);
}

export function printFailure(runtime, version, error) {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  printResult({ runtime, version, ok: false, error: message, stack: error instanceof Error ? error.stack : undefined });
}

const KiB = 1024;
const MiB = 1024 * KiB;

/** Bytes from crypto.getRandomValues (which fills at most 64 KiB per call). */
export function randomBytes(size) {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65536) crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65536)));
  return bytes;
}

export async function sha1Hex(bytes) {
  const digest = await crypto.subtle.digest('SHA-1', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function check(condition, message, details) {
  if (!condition) {
    const error = new Error(`${message}${details === undefined ? '' : `: ${JSON.stringify(details)}`}`);
    error.name = 'ScenarioError';
    throw error;
  }
}

async function timed(steps, name, fn) {
  // On stderr as it happens: if the run is cut short, the output says which step it was in.
  console.error(`[scenario] ${name}…`);
  const started = performance.now();
  const value = await fn();
  steps.push({ step: name, ms: Math.round(performance.now() - started) });
  return value;
}

export async function runScenario(ctx) {
  const { api, origin, runtime } = ctx;
  const emulator = {
    async log() {
      const response = await fetch(`${origin}/_emulator/log`);
      check(response.ok, 'GET /_emulator/log failed', response.status);
      return response.json();
    },
    async clear() {
      const response = await fetch(`${origin}/_emulator/log/clear`, { method: 'POST' });
      check(response.ok, 'POST /_emulator/log/clear failed', response.status);
    },
    async fault(rule) {
      const response = await fetch(`${origin}/_emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(rule),
      });
      check(response.ok, 'POST /_emulator/faults failed', response.status);
    },
    async clearFaults() {
      await fetch(`${origin}/_emulator/faults`, { method: 'DELETE' });
    },
  };
  const count = (log, key) => log.counts[key] ?? 0;
  const partOffsets = (log) => log.entries.filter((e) => e.action === 'UploadPart' && e.code === 0).map((e) => e.offset);
  const served = async (url, expectedSha1, size) => {
    const response = await fetch(url);
    check(response.ok, `GET ${url} failed`, response.status);
    const bytes = new Uint8Array(await response.arrayBuffer());
    check(bytes.length === size, 'served file has the wrong size', { got: bytes.length, size });
    const got = await sha1Hex(bytes);
    check(got === expectedSha1, 'served file has another SHA-1', { got, expectedSha1 });
    return got;
  };

  const checkpoints = api.createDirectoryCheckpointStore(ctx.tempDir);
  const connection = { endpoint: `${origin}/v2/index.php`, ...ctx.credentials, checkpoints };
  const steps = [];
  const report = { runtime, version: ctx.version, steps };

  // A: 3.3 MiB in 1 MiB parts (4 parts, the last one short).
  const sizeA = Math.round(3.3 * MiB);
  const bytesA = randomBytes(sizeA);
  const sha1A = await sha1Hex(bytesA);
  const pathA = await ctx.writeFile('clip-a.mp4', bytesA);

  // 0. The hasher runs off the main thread and agrees with WebCrypto.
  const hasher = ctx.createHasher();
  const hashed = await timed(steps, 'hash on a worker', async () => hasher.hash(await api.openFile(pathA), { partSize: MiB }));
  check(hashed.runner === 'worker', 'the hash job did not run on a worker', hashed);
  check(hashed.sha1 === sha1A, 'worker SHA-1 differs from WebCrypto', { worker: hashed.sha1, webcrypto: sha1A });
  check(hashed.partMd5s.length === 4, 'expected 4 part MD5s', hashed.partMd5s.length);
  report.hasher = { runner: hashed.runner, engine: hashed.engine };

  // 0b. The same, seen from outside rather than from the library's own `runner` label: once the job
  // is under way the main thread is blocked for 3 s. A job on a worker keeps hashing meanwhile, so
  // the progress it made arrives within a few turns of the event loop after the block; a job on
  // the main thread cannot move while it is blocked, and gets one read or so per turn.
  const bytesW = randomBytes(16 * MiB);
  const pathW = await ctx.writeFile('clip-w.mp4', bytesW);
  report.hasher.progressWhileBlocked = await timed(steps, 'hash goes on while the main thread is blocked', async () => {
    let hashedBytes = 0;
    let begun;
    const started = new Promise((resolve) => (begun = resolve));
    const job = hasher.hash(await api.openFile(pathW), {
      partSize: MiB,
      onProgress: (bytes) => {
        hashedBytes = bytes;
        begun();
      },
    });
    await Promise.race([started, job]);
    const atBlock = hashedBytes;
    const until = Date.now() + 3000;
    while (Date.now() < until) {
      // Blocks the main thread on purpose.
    }
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
    const progressed = hashedBytes - atBlock;
    const result = await job;
    check(result.sha1 === (await sha1Hex(bytesW)), 'SHA-1 of the blocked-main-thread job', result.sha1);
    return progressed;
  });

  // 1. New upload.
  await emulator.clear();
  const first = await timed(steps, 'new upload (3.3 MiB, 4 parts)', () => api.uploadFile(pathA, { ...connection, partSize: MiB }));
  let log = await emulator.log();
  check(first.kind === 'new' && first.partsSent === 4 && first.partsSkipped === 0, 'new upload result', first);
  check(first.sha1 === sha1A, 'result SHA-1', first.sha1);
  check(first.hashedBytes === sizeA, 'new upload hashed the file once', first.hashedBytes);
  check(count(log, 'UploadPart:0') === 4 && count(log, 'UploadPart') === 4, 'emulator saw 4 parts', log.counts);
  check(count(log, 'FinishUpload:0') === 1, 'emulator finished the file', log.counts);
  await served(first.url, sha1A, sizeA);
  report.newUpload = {
    kind: first.kind,
    partsSent: first.partsSent,
    hashEngine: first.hashEngine,
    fileId: first.fileId,
    emulatorParts: count(log, 'UploadPart'),
  };

  // 2. Instant upload of the same file: no part travels.
  await emulator.clear();
  const again = await timed(steps, 'instant upload (same file)', () => api.uploadFile(pathA, connection));
  log = await emulator.log();
  check(again.kind === 'instant' && again.instant === true, 'instant upload result', again);
  check(again.fileId === first.fileId, 'instant upload gives the same fileId', { first: first.fileId, again: again.fileId });
  check(count(log, 'UploadPart') === 0, 'instant upload sent parts', log.counts);
  check(count(log, 'InitUpload:2') === 1, 'InitUpload answered 2 (instant)', log.counts);
  report.instantUpload = { kind: again.kind, emulatorParts: count(log, 'UploadPart') };

  // 3. Abort at ~50 %, then resume from the checkpoint in a new handle. 6.5 MiB in 512 KiB parts
  // (13 parts), one at a time; the 7th part hangs at the emulator, and the abort comes once the
  // first 6 are acknowledged, so exactly 6 of 13 are stored.
  const sizeB = Math.round(6.5 * MiB);
  const bytesB = randomBytes(sizeB);
  const sha1B = await sha1Hex(bytesB);
  const pathB = await ctx.writeFile('clip-b.mp4', bytesB);
  const partB = 512 * KiB;
  const totalParts = Math.ceil(sizeB / partB);
  const stopAfter = 6;
  await emulator.clear();
  await emulator.fault({ action: 'UploadPart', offset: stopAfter * partB, kind: 'hang' });
  const aborted = await timed(steps, 'upload aborted at ~50 %', async () => {
    const handle = api.upload(await api.openFile(pathB), { ...connection, partSize: partB, concurrency: 1 });
    handle.on('progress', (p) => {
      if (p.phase === 'uploading' && p.ackedBytes >= stopAfter * partB) handle.abort(new Error('scenario: stop at half'));
    });
    // Bounded: if progress never got there, abort anyway and let the checks below say so.
    const timer = setTimeout(() => handle.abort(new Error('scenario: timed out waiting for half')), 15_000);
    try {
      await handle.done;
      return { error: undefined };
    } catch (error) {
      return { error };
    } finally {
      clearTimeout(timer);
    }
  });
  await emulator.clearFaults();
  check(aborted.error !== undefined, 'the upload was not aborted (finished first)');
  check(aborted.error.code === api.ClientErrorCode.Aborted, 'abort rejects with ABORTED', {
    code: aborted.error.code,
    message: aborted.error.message,
  });
  log = await emulator.log();
  const heldOffsets = [...new Set(partOffsets(log))];
  check(heldOffsets.length === stopAfter, 'the parts before the hanging one were stored, and no more', {
    held: heldOffsets.length,
    stopAfter,
    totalParts,
  });
  check(count(log, 'FinishUpload') === 0, 'no Finish before the abort', log.counts);

  await emulator.clear();
  const resumed = await timed(
    steps,
    'resume in a new handle',
    async () => api.upload(await api.openFile(pathB), { ...connection, partSize: partB }).done,
  );
  log = await emulator.log();
  const resentOffsets = partOffsets(log);
  check(resumed.kind === 'resumed', 'resume result kind', resumed);
  check(resumed.hashedBytes === 0 && resumed.hashEngine === 'checkpoint', 'the resume hashed nothing (checkpoint from disk)', {
    hashedBytes: resumed.hashedBytes,
    hashEngine: resumed.hashEngine,
  });
  check(resumed.partsSkipped === heldOffsets.length, 'the resume skipped exactly the stored parts', {
    skipped: resumed.partsSkipped,
    held: heldOffsets.length,
  });
  check(
    resumed.partsSent === totalParts - heldOffsets.length && count(log, 'UploadPart') === resumed.partsSent,
    'only the missing parts were sent',
    { sent: resumed.partsSent, emulator: count(log, 'UploadPart'), totalParts },
  );
  check(
    resentOffsets.every((offset) => !heldOffsets.includes(offset)),
    'a stored part was sent again',
    { heldOffsets, resentOffsets },
  );
  check(new Set([...heldOffsets, ...resentOffsets]).size === totalParts, 'stored and resent parts cover the file', {
    heldOffsets,
    resentOffsets,
  });
  check(
    count(log, 'InitUpload:1') === 1 && count(log, 'FinishUpload:0') === 1,
    'InitUpload answered 1 (resume), Finish succeeded',
    log.counts,
  );
  await served(resumed.url, sha1B, sizeB);
  report.resume = { partsBeforeAbort: heldOffsets.length, partsResent: resumed.partsSent, totalParts, hashedBytes: resumed.hashedBytes };
  report.ok = true;
  return report;
}
