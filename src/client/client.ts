/**
 * The low-level client: one method per action, one signed POST per call. No retries here —
 * the upload engine decides what to retry, and re-signs every attempt.
 */
import type { KyInstance } from 'ky';
import * as z from 'zod/mini';
import { VodArgumentError, describe, type VodAction } from '../protocol/errors.js';
import {
  DEFAULT_ENDPOINT,
  finishUploadAnswer,
  finishUploadParams,
  initUploadInstant,
  initUploadNew,
  initUploadParams,
  initUploadResume,
  uploadPartParams,
} from '../protocol/schemas.js';
import { toWire } from '../protocol/to-wire.js';
import { parseArgument } from '../protocol/validate.js';
import { applyBeforeRequest, type BeforeRequestHook } from './request-hook.js';
import { interpretAnswer, readBoundedText } from './answer.js';
import { transportError } from './transport-error.js';
import { createPresignCache, presignKey } from './presign.js';
import { settleBy, startDeadline } from '../util/deadline.js';
import { watchedBody, type WatchedBody } from './part-body.js';
import { createRatePacer } from '../util/pacer.js';

export type { PartBody, RequestOptions, RequestPacer, VodClient, VodClientOptions } from './client-types.js';
import type { PartBody, VodClient, VodClientOptions } from './client-types.js';

/** A random positive integer for `Nonce`, fresh for every request (and every retry). */
function randomNonce(): string {
  const words = crypto.getRandomValues(new Uint32Array(2));
  // 21 random bits on top of 32 keep the value below 2^53 and always positive.
  return String((words[0]! & 0x1fffff) * 2 ** 32 + words[1]! + 1);
}

function parseEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new VodArgumentError('endpoint', 'an absolute http(s) URL', endpoint);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new VodArgumentError('endpoint', 'an http(s) URL', endpoint);
  }
  return url;
}

/** Longest timer the runtimes keep (2^31 - 1 ms); a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;
const DEFAULT_STALL_MS = 30_000;

const resumeOrNew = z.union([initUploadNew, initUploadResume, initUploadInstant]);
const uploadPartAnswer = z.object({ code: z.literal(0) });

/**
 * Creates a client for one endpoint and signer.
 *
 * @example
 * const client = createVodClient({ signer: createSecretSigner({ secretId, secretKey }) });
 * const next = await client.initUpload({ fileName: 'clip', fileType: 'mp4', fileSha, fileSize, dataSize: 1048576 });
 */
export function createVodClient(options: VodClientOptions): VodClient {
  if (!options || typeof options.signer?.sign !== 'function') {
    // The value is not shown: callers sometimes pass their credentials here by mistake.
    throw new VodArgumentError('signer', 'a Signer with a sign() method (e.g. createSecretSigner({ secretId, secretKey }))');
  }
  const endpoint = parseEndpoint(options.endpoint ?? DEFAULT_ENDPOINT);
  const region = options.region ?? 'gz';
  if (typeof region !== 'string' || region.length === 0) throw new VodArgumentError('region', 'a non-empty string', region);
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMER_MS) {
    throw new VodArgumentError('timeoutMs', `a number of milliseconds from 1 to ${MAX_TIMER_MS}`, timeoutMs);
  }
  const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_MS;
  if (typeof stallTimeoutMs !== 'number' || !Number.isFinite(stallTimeoutMs) || stallTimeoutMs < 0 || stallTimeoutMs > MAX_TIMER_MS) {
    throw new VodArgumentError('stallTimeoutMs', `a number of milliseconds from 0 (off) to ${MAX_TIMER_MS}`, stallTimeoutMs);
  }
  const streamPartBodies = options.streamPartBodies ?? false;
  if (typeof streamPartBodies !== 'boolean') throw new VodArgumentError('streamPartBodies', 'a boolean', streamPartBodies);
  if (options.fetch !== undefined && typeof options.fetch !== 'function')
    throw new VodArgumentError('fetch', 'a fetch function', options.fetch);
  const baseFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  // ky carries only the bodiless actions (InitUpload, FinishUpload): it is imported on the first
  // of them, so a page pays for it when it uploads, not when it loads.
  let http: Promise<KyInstance> | undefined;
  const kyClient = (): Promise<KyInstance> =>
    (http ??= import('ky')
      .then(({ default: ky }) =>
        ky.create({
          retry: 0,
          throwHttpErrors: false,
          // Our own deadline covers the answer's body too (ky's timer stops at the headers).
          timeout: false,
        }),
      )
      .catch((error: unknown) => {
        http = undefined; // a chunk that failed to load is tried again on the next request
        throw error;
      }));
  const { signer } = options;
  const presigned = createPresignCache();
  const extraHeaders = options.headers;
  const pacer = options.pacer === false ? undefined : (options.pacer ?? createRatePacer());
  const requestClient = options.requestClient ?? 'vod-upload';

  /** Adds the common parameters (a fresh Timestamp and Nonce) and signs. */
  function sign(action: VodAction, params: Record<string, string>): Promise<Record<string, string>> {
    const common = {
      Action: action,
      Region: region,
      Timestamp: String(Math.floor(Date.now() / 1000)),
      Nonce: randomNonce(),
      RequestClient: requestClient,
    };
    return signer.sign({ method: 'POST', host: endpoint.host, path: endpoint.pathname, params: { ...params, ...common } });
  }

  async function send<S extends z.ZodMiniType>(
    action: VodAction,
    params: Record<string, string>,
    body: PartBody | undefined,
    okCodes: readonly number[],
    schema: S,
    signal: AbortSignal | undefined,
    beforeRequest?: BeforeRequestHook | undefined,
  ): Promise<z.output<S>> {
    signal?.throwIfAborted();
    await pacer?.acquire(action, signal);
    const ahead = action === 'UploadPart' ? presigned.take(presignKey(params), Date.now()) : undefined;
    const signed = ahead ?? (await sign(action, params));
    const headers = new Headers(typeof extraHeaders === 'function' ? await extraHeaders() : extraHeaders);
    headers.set('content-type', 'application/octet-stream');
    const query = Object.entries(signed)
      .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
      .join('&');
    const url = `${endpoint.origin}${endpoint.pathname}?${query}`;
    await applyBeforeRequest(beforeRequest, action, url, signed, headers);
    const deadline = startDeadline(timeoutMs, signal, stallTimeoutMs);
    let watched: WatchedBody | undefined;
    const exchange = async (): Promise<{ status: number; text: string }> => {
      let response: Response;
      if (body === undefined) {
        const ky = await kyClient();
        // FinishUpload sends nothing and then waits while the service assembles and checks the
        // whole file, which for a big file may take longer than a stall: only the timeout bounds it.
        if (action !== 'FinishUpload') deadline.watch();
        response = await ky.post(url, {
          body: null,
          headers,
          // The deadline's signal goes to fetch directly, not through ky's `signal`: ky merges that
          // one with AbortSignal.any, and on Node 20 such a merged signal can be collected and never
          // fire (an aborted upload then waited forever on its last part).
          fetch: (request, init) => baseFetch(request, { ...init, signal: deadline.signal }),
        });
      } else {
        // Part bodies go to fetch itself, never through ky: ky clones every request (a tee of the
        // body) and then awaits cancel() of the unused branch, which for a file-backed Blob never
        // settles when the server answers before reading the body (issue 9, bug 1).
        if (streamPartBodies) {
          watched = watchedBody(body, deadline.touch);
          headers.set('content-length', String(body instanceof Blob ? body.size : body.byteLength));
          deadline.watch();
        }
        const init: RequestInit & { duplex?: 'half' } = {
          method: 'POST',
          headers,
          body: (watched?.stream ?? body) as BodyInit,
          signal: deadline.signal,
        };
        if (watched) init.duplex = 'half';
        response = await baseFetch(url, init);
        // An early answer (a refusal before the body was read) ends the body too.
        watched?.release();
      }
      deadline.watch();
      deadline.touch();
      return { status: response.status, text: await readBoundedText(response, undefined, deadline.touch) };
    };
    let status: number;
    let text: string;
    try {
      // Whatever a step does with the signal, the attempt ends at the deadline, a stall or an abort.
      ({ status, text } = await settleBy(exchange(), deadline.signal));
    } catch (error) {
      throw transportError(action, error, signal, deadline, { timeoutMs, stallTimeoutMs });
    } finally {
      deadline.clear();
      watched?.release();
    }
    return interpretAnswer(action, status, text, okCodes, schema);
  }

  return {
    endpoint: endpoint.href,
    async initUpload(params, requestOptions) {
      const valid = parseArgument(initUploadParams, params, 'params');
      const answer = await send(
        'InitUpload',
        toWire(valid),
        undefined,
        [0, 1, 2],
        resumeOrNew,
        requestOptions?.signal,
        requestOptions?.beforeRequest,
      );
      if (answer.code === 2) return { kind: 'instant', fileId: answer.fileId, url: answer.url };
      if (answer.code === 1) return { kind: 'resume', dataSize: answer.dataSize, listParts: answer.listParts };
      return { kind: 'new' };
    },
    async uploadPart(params, body, requestOptions) {
      const valid = parseArgument(uploadPartParams, params, 'params');
      const size = body instanceof Blob ? body.size : body instanceof Uint8Array ? body.byteLength : -1;
      if (size !== valid.dataSize) {
        throw new VodArgumentError(
          'body',
          `a Blob or Uint8Array of exactly dataSize (${valid.dataSize}) bytes`,
          size < 0 ? describe(body) : `${size} bytes`,
        );
      }
      await send('UploadPart', toWire(valid), body, [0], uploadPartAnswer, requestOptions?.signal, requestOptions?.beforeRequest);
    },
    async presignParts(list) {
      const wire = list.map((params) => toWire(parseArgument(uploadPartParams, params, 'params')));
      const signedAt = Date.now();
      const sets = await Promise.all(wire.map((params) => sign('UploadPart', params)));
      sets.forEach((set, i) => {
        presigned.put(presignKey(wire[i]!), set, signedAt);
      });
    },
    async finishUpload(params, requestOptions) {
      const valid = parseArgument(finishUploadParams, params, 'params');
      const answer = await send(
        'FinishUpload',
        toWire(valid),
        undefined,
        [0],
        finishUploadAnswer,
        requestOptions?.signal,
        requestOptions?.beforeRequest,
      );
      return { fileId: answer.fileId, url: answer.url };
    },
  };
}
