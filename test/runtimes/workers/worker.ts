/**
 * The Cloudflare Workers half of the runtime matrix, run in workerd by test/runtime-workerd.test.ts.
 * Files live in an R2 bucket (made here from random bytes) and are uploaded from the object's
 * stream or from the request body; checkpoints live in KV so a later request can resume.
 */
import {
  createKvCheckpointStore,
  r2Source,
  upload,
  uploadStream,
  VodArgumentError,
  type KvLike,
  type R2BucketLike,
} from '../../../src/adapters/workers/index.js';
import { wasmEngine } from '../../../src/engine.js';

/** The subset of R2 used here (no @cloudflare/workers-types in this project). */
interface R2Like extends R2BucketLike {
  put(key: string, value: Uint8Array): Promise<unknown>;
  get(key: string): Promise<{ key: string; size: number; uploaded: Date; body: ReadableStream<Uint8Array>; blob(): Promise<Blob> } | null>;
}

interface Env {
  ENDPOINT: string;
  SECRET_ID: string;
  SECRET_KEY: string;
  BUCKET: R2Like;
  CHECKPOINTS: KvLike;
}

const MiB = 1048576;

async function sha1Hex(bytes: BufferSource): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', bytes);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function connection(env: Env) {
  return {
    endpoint: env.ENDPOINT,
    secretId: env.SECRET_ID,
    secretKey: env.SECRET_KEY,
    partSize: MiB as 1048576,
    checkpoints: createKvCheckpointStore(env.CHECKPOINTS),
  };
}

async function object(env: Env, key: string) {
  const found = await env.BUCKET.get(key);
  if (!found) throw new Error(`no object ${key}`);
  return found;
}

async function handle(request: Request, env: Env): Promise<unknown> {
  const url = new URL(request.url);
  const key = url.searchParams.get('key') ?? '';
  switch (url.pathname) {
    case '/probe': {
      const wasm = await wasmEngine.load().then(
        () => 'loads',
        (error: unknown) => String(error),
      );
      return { wasm, hasWorker: typeof (globalThis as { Worker?: unknown }).Worker, navigator: globalThis.navigator?.userAgent ?? '' };
    }
    case '/make': {
      const size = Number(url.searchParams.get('size'));
      const bytes = new Uint8Array(size);
      for (let offset = 0; offset < size; offset += 65536) crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65536)));
      await env.BUCKET.put(key, bytes);
      return { sha1: await sha1Hex(bytes) };
    }
    case '/upload-object': {
      // An R2 object read by range: the hasher streams it, each part is a ranged GET.
      const name = url.searchParams.get('name');
      const result = await upload(await r2Source(env.BUCKET, key), { ...connection(env), ...(name ? { name } : {}) }).done;
      return { result };
    }
    case '/upload-object-buffered': {
      // An R2 object body as a one-shot stream of known size, buffered.
      const found = await object(env, key);
      const result = await uploadStream(found, { ...connection(env), name: key, size: found.size, lastModified: found.uploaded.getTime() });
      return { result };
    }
    case '/upload-body': {
      // A request body: a one-shot stream whose size comes from Content-Length.
      const size = Number(request.headers.get('Content-Length'));
      const result = await uploadStream(request, { ...connection(env), name: url.searchParams.get('name') ?? 'body.mp4', size });
      return { result };
    }
    case '/abort-at': {
      // Aborts once `parts` parts are acknowledged (progress events are throttled, but a trailing
      // one always follows); bounded: after 30 s it aborts anyway and the counts say so.
      const source = await r2Source(env.BUCKET, key);
      const parts = Number(url.searchParams.get('parts'));
      const handleUpload = upload(source, { ...connection(env), concurrency: 1 });
      let ackedBytes = 0;
      handleUpload.on('progress', (progress) => {
        ackedBytes = progress.ackedBytes;
        if (progress.ackedBytes >= parts * MiB) handleUpload.abort();
      });
      const timer = setTimeout(() => handleUpload.abort(), 30_000);
      const error = await handleUpload.done.then(
        () => 'finished',
        (failure: { code?: string }) => failure.code ?? String(failure),
      );
      clearTimeout(timer);
      return { error, ackedBytes };
    }
    case '/too-large': {
      const found = await object(env, key);
      return uploadStream(found.body, { ...connection(env), name: key, maxBytes: MiB }).then(
        () => ({ error: 'none' }),
        (error: unknown) =>
          error instanceof VodArgumentError
            ? { error: 'VodArgumentError', parameter: error.parameter, code: error.code, message: error.message }
            : { error: String(error) },
      );
    }
    default:
      return { error: `unknown path ${url.pathname}` };
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    try {
      return Response.json(await handle(request, env));
    } catch (error) {
      const failure = error as Error & { code?: unknown };
      return Response.json({ thrown: failure.name, code: failure.code, message: failure.message }, { status: 500 });
    }
  },
};
