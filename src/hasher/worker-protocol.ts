/**
 * Messages between a page and the hash worker, and the worker's message handling as a pure
 * function (tested without a real Worker). The Blob itself is posted: structured clone shares
 * the underlying file, so no byte goes through the page's thread.
 *
 * Each worker script holds only its own engines (the browser's hash-worker.ts: WebAssembly; hash-worker-pure-js.ts: pure
 * JS), so that the default worker stays small; a worker where none of the requested engines
 * loads answers {@link ENGINE_UNAVAILABLE}, and the page moves to the other worker.
 */
import { hashBlob } from './hash-blob.js';
import { loadFirstEngine } from './first-engine.js';
import type { HashEngine, HashEngineLoader, HashOptions, HashResult, HashScope, HashSource, PipeEnd } from './types.js';

/** Page → worker: start a job. */
export interface HashRequest {
  type: 'hash';
  id: number;
  /** A Blob is cloned cheaply; other sources are posted as they are (a runtime's WorkerLike may translate them, or cloning fails and the job runs inline). */
  blob: HashSource;
  partSize: number;
  /** Built-in engine names to try in order (functions cannot be posted). */
  engines: string[];
  only?: HashScope | undefined;
  /** The job's end of a pipe to a second worker (the browser's pipeline); its port is transferred. */
  pipe?: PipeEnd | undefined;
}
/** Page → worker: stop a job. */
export interface AbortRequest {
  type: 'abort';
  id: number;
}
export type WorkerRequest = HashRequest | AbortRequest;

export type WorkerResponse =
  /** Posted once when the worker script has started: proves the worker runs. */
  | { type: 'ready' }
  | { type: 'progress'; id: number; hashedBytes: number }
  | { type: 'done'; id: number; result: HashResult }
  | { type: 'error'; id: number; name: string; message: string };

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null;
const isId = (value: unknown): value is number => Number.isSafeInteger(value);
const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');
const isScope = (value: unknown): value is HashScope | undefined =>
  value === undefined || value === 'all' || value === 'sha1' || value === 'partMd5s';
const isPipe = (value: unknown): value is PipeEnd | undefined =>
  value === undefined ||
  (isObj(value) &&
    typeof MessagePort !== 'undefined' &&
    value.port instanceof MessagePort &&
    (value.role === 'send' || value.role === 'receive'));

/** Reads a message sent to the worker; `undefined` for anything else. */
export function parseWorkerRequest(data: unknown): WorkerRequest | undefined {
  if (!isObj(data) || !isId(data.id)) return undefined;
  if (data.type === 'abort') return { type: 'abort', id: data.id };
  if (
    data.type === 'hash' &&
    data.blob instanceof Blob &&
    typeof data.partSize === 'number' &&
    isStrings(data.engines) &&
    isScope(data.only) &&
    isPipe(data.pipe)
  ) {
    const { id, blob, partSize, engines, only, pipe } = data;
    return { type: 'hash', id, blob, partSize, engines, only, ...(pipe ? { pipe } : {}) };
  }
  return undefined;
}

function isResult(value: unknown): value is HashResult {
  return (
    isObj(value) &&
    typeof value.sha1 === 'string' &&
    typeof value.partSize === 'number' &&
    isStrings(value.partMd5s) &&
    typeof value.engine === 'string' &&
    typeof value.bytesHashed === 'number' &&
    (value.runner === 'worker' || value.runner === 'inline')
  );
}

/** Reads a message sent by the worker; `undefined` for anything else. */
export function parseWorkerResponse(data: unknown): WorkerResponse | undefined {
  if (!isObj(data)) return undefined;
  if (data.type === 'ready') return { type: 'ready' };
  if (!isId(data.id)) return undefined;
  const id = data.id;
  if (data.type === 'progress' && typeof data.hashedBytes === 'number') {
    return { type: 'progress', id, hashedBytes: data.hashedBytes };
  }
  if (data.type === 'done' && isResult(data.result)) return { type: 'done', id, result: data.result };
  if (data.type === 'error' && typeof data.name === 'string' && typeof data.message === 'string') {
    return { type: 'error', id, name: data.name, message: data.message };
  }
  return undefined;
}

/** The `name` of the error a worker answers when none of the requested engines loads there. */
export const ENGINE_UNAVAILABLE = 'EngineUnavailableError';

export interface WorkerHandlerOptions {
  /**
   * The engines this worker has (default none), used by the default `hashJob` in the order the
   * page names them; names it does not have are skipped.
   */
  engines?: readonly HashEngineLoader[] | undefined;
  /** Reads an incoming message (default {@link parseWorkerRequest}): a server runtime's worker also takes files by path. */
  parseRequest?: ((data: unknown) => WorkerRequest | undefined) | undefined;
  /**
   * Hashes one job's source (default: {@link hashBlob} with the first of the request's engines
   * that loads). A server runtime's worker hashes with its native engine, on one or two threads.
   */
  hashJob?: ((request: HashRequest, options: HashOptions) => Promise<HashResult>) | undefined;
  /**
   * The two-worker pipeline's ends (pipe.ts), given by the default browser worker only, so that
   * the pure-JS worker stays small: elsewhere a job's pipe is ignored (its result has no `piped`
   * and the page's split hasher runs the other side on its own).
   */
  pipes?: PipeJobs | undefined;
}

/** The worker side of the pipeline (pipe.ts's `sendThroughPipe` and `hashFromPipe`). */
export interface PipeJobs {
  send(blob: HashSource, engine: HashEngine, options: HashOptions, port: MessagePort): Promise<HashResult>;
  receive(size: number, engine: HashEngine, options: HashOptions, port: MessagePort): Promise<HashResult>;
}

/** The worker's side: feed it every incoming message's data. */
export interface WorkerMessageHandler {
  handle(data: unknown): void;
  /** Ids of jobs still running. */
  activeJobs(): number[];
}

/**
 * Creates the worker's message handling. `post` sends a response to the page. Jobs run
 * concurrently, each with its own engine; `abort` stops one (its read is cancelled and an
 * `error` named `AbortError` is posted).
 */
export function createWorkerMessageHandler(
  post: (message: WorkerResponse) => void,
  options: WorkerHandlerOptions = {},
): WorkerMessageHandler {
  const engines = options.engines ?? [];
  const parseRequest = options.parseRequest ?? parseWorkerRequest;
  const jobs = new Map<number, AbortController>();

  /** This worker's engines among the requested ones, in the requested order. */
  const loadEngine = async (names: readonly string[]) => {
    const loaders = names.flatMap((name) => engines.filter((engine) => engine.name === name));
    try {
      return await loadFirstEngine(loaders);
    } catch (error) {
      const reasons =
        error instanceof AggregateError ? error.errors.map((cause) => (cause instanceof Error ? cause.message : String(cause))) : [];
      const have = engines.map((engine) => engine.name).join(', ');
      const unavailable = new Error(
        `no requested hash engine (${names.join(', ')}) could load on this worker (it has ${have})${reasons.length ? `: ${reasons.join('; ')}` : ''}`,
      );
      unavailable.name = ENGINE_UNAVAILABLE;
      throw unavailable;
    }
  };
  const hashJob =
    options.hashJob ??
    (async (request: HashRequest, hashOptions: HashOptions) => {
      const engine = await loadEngine(request.engines);
      const { pipe, blob } = request;
      const pipes = options.pipes;
      if (!pipe || !pipes) return hashBlob(blob, engine, hashOptions);
      return pipe.role === 'send'
        ? pipes.send(blob, engine, hashOptions, pipe.port)
        : pipes.receive(blob.size, engine, hashOptions, pipe.port);
    });

  const run = async (request: HashRequest, controller: AbortController): Promise<void> => {
    const { id, partSize, only } = request;
    try {
      const result = await hashJob(request, {
        partSize,
        only,
        signal: controller.signal,
        onProgress: (hashedBytes) => post({ type: 'progress', id, hashedBytes }),
      });
      post({ type: 'done', id, result: { ...result, runner: 'worker' } });
    } catch (error) {
      // Errors do not survive postMessage as classes; name and message do.
      const known = error instanceof Error;
      post({ type: 'error', id, name: known ? error.name : 'Error', message: known ? error.message : String(error) });
    } finally {
      jobs.delete(id);
    }
  };

  return {
    handle(data) {
      const request = parseRequest(data);
      if (!request) {
        // A job the worker cannot run is answered, never dropped: the page would wait forever.
        if (isObj(data) && isId(data.id) && data.type === 'hash') {
          post({ type: 'error', id: data.id, name: 'TypeError', message: 'hash request not understood (the source must be a Blob)' });
        }
        return;
      }
      if (request.type === 'abort') {
        jobs.get(request.id)?.abort(new DOMException('The hash job was aborted', 'AbortError'));
        return;
      }
      if (jobs.has(request.id)) {
        post({ type: 'error', id: request.id, name: 'Error', message: `Job ${request.id} is already running` });
        return;
      }
      const controller = new AbortController();
      jobs.set(request.id, controller);
      void run(request, controller);
    },
    activeJobs: () => [...jobs.keys()],
  };
}
