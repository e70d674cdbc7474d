// Shared pieces of the benchmarks: servers in child processes, a fixed node:http part sender,
// statistics over interleaved repetitions.
import { fork, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Agent, request } from 'node:http';

export const MiB = 1048576;
export const PART = MiB;
export const CONCURRENCY = 4;
const here = (name) => new URL(name, import.meta.url).pathname;
const dist = (name) => new URL(`../dist/${name}`, import.meta.url).href;

export const DEV = { secretId: 'AKIDvodemulatordevsecretid00000000', secretKey: 'vodemulatordevsecretkey000000000' };

/** Starts `emulator` or `drain` in its own process. */
export async function startServer(mode) {
  const child = fork(here('server-child.mjs'), [mode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await onceMessage(child, (message) => 'port' in message, 30_000);
  return {
    port,
    endpoint: `http://127.0.0.1:${port}/v2/index.php`,
    stats: async () => {
      child.send({ cmd: 'stats' });
      return (await onceMessage(child, (message) => 'stats' in message, 10_000)).stats;
    },
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ cmd: 'close' });
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

function onceMessage(child, test, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error('no answer from the server child')), timeoutMs);
    const onMessage = (message) => test(message) && done(undefined, message);
    const onExit = (code) => done(new Error(`server child exited with ${code}`));
    function done(error, value) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      error ? reject(error) : resolve(value);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

let signerPromise;
/** A signed query string for the server on `port`, made with the library's own signer (the HMAC the client uses). */
export async function signedPathFor(port, action, params) {
  signerPromise ??= import(dist('index.js')).then(({ createSecretSigner }) => createSecretSigner(DEV));
  const signer = await signerPromise;
  const raw = {
    Action: action,
    Region: 'gz',
    Timestamp: String(Math.floor(Date.now() / 1000)),
    Nonce: String(1 + Math.floor(Math.random() * 2 ** 31)),
  };
  for (const [name, value] of Object.entries(params)) raw[name] = String(value);
  const signed = await signer.sign({ method: 'POST', host: `127.0.0.1:${port}`, path: '/v2/index.php', params: raw });
  return `/v2/index.php?${new URLSearchParams(signed)}`;
}

/** One POST with node:http; resolves with the parsed JSON answer. */
export function post(agent, port, path, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': body ? body.length : 0 },
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (error) {
            reject(error);
          }
        });
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The fixed client: InitUpload, every part (`CONCURRENCY` in flight, bodies from `partBytes`),
 * FinishUpload, over node:http with keep-alive. Paths may be signed ahead (`presigned`).
 */
export async function rawUpload({ port, fileSha, size, partBytes, partMd5, presigned, init = true, finish = true }) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    if (init) {
      const answer = await post(
        agent,
        port,
        await signedPathFor(port, 'InitUpload', { fileName: 'bench', fileType: 'mp4', fileSha, fileSize: size, dataSize: PART }),
      );
      if (answer.code !== 0 && answer.code !== 1) throw new Error(`InitUpload answered ${JSON.stringify(answer)}`);
    }
    const count = Math.ceil(size / PART);
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const index = next++;
        const offset = index * PART;
        const body = await partBytes(index);
        const path = presigned
          ? presigned[index]
          : await signedPathFor(port, 'UploadPart', { fileSha, offset, dataSize: body.length, dataMd5: partMd5(index, body) });
        const answer = await post(agent, port, path, body);
        if (answer.code !== 0) throw new Error(`UploadPart ${offset} answered ${JSON.stringify(answer)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    if (finish) {
      const answer = await post(agent, port, await signedPathFor(port, 'FinishUpload', { fileSha }));
      if (answer.code !== 0) throw new Error(`FinishUpload answered ${JSON.stringify(answer)}`);
      return answer;
    }
  } finally {
    agent.destroy();
  }
}

/** node:crypto SHA-1 and part MD5s of a file, one thread, sequential 1 MiB reads. */
export async function nativeHash(path, size) {
  const handle = await open(path);
  try {
    const sha1 = createHash('sha1');
    const md5s = [];
    const buffer = Buffer.allocUnsafe(PART);
    for (let position = 0; position < size; position += PART) {
      const length = Math.min(PART, size - position);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      if (bytesRead !== length) throw new Error('short read');
      const part = buffer.subarray(0, length);
      sha1.update(part);
      md5s.push(createHash('md5').update(part).digest('hex'));
    }
    return { sha1: sha1.digest('hex'), md5s };
  } finally {
    await handle.close();
  }
}

/** Runs a command; resolves with { code, stdout, stderr, ms }. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data) => (stdout += data));
    child.stderr.on('data', (data) => (stderr += data));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
    options.onChild?.(child);
  });
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Summary of repetitions: each rep is { value, baseline }; the ratio is taken per rep. */
export function summarize(reps, ratioOf = (rep) => rep.value / rep.baseline) {
  const values = reps.map((rep) => rep.value);
  const baselines = reps.map((rep) => rep.baseline);
  const ratios = reps.map(ratioOf);
  return {
    value: median(values),
    valueRange: [Math.min(...values), Math.max(...values)],
    baseline: median(baselines),
    baselineRange: [Math.min(...baselines), Math.max(...baselines)],
    ratio: median(ratios),
    ratioRange: [Math.min(...ratios), Math.max(...ratios)],
    reps: reps.length,
  };
}
