/**
 * The friendly `upload()` that every runtime entry exports: the caller gives an endpoint and a
 * signer (or SecretId/SecretKey on servers); the runtime supplies the hasher and checkpoint store.
 * Clients are reused per (endpoint, region, signer) so one pacer covers all of their uploads.
 */
import { createVodClient, type VodClient, type VodClientOptions } from '../client/client.js';
import type { Hasher } from '../hasher/types.js';
import { VodArgumentError } from '../protocol/errors.js';
import type { Signer } from '../protocol/signature.js';
import type { CheckpointStore } from './checkpoint.js';
import type { UploadQueue, UploadQueueOptions } from './queue.js';
import type { UploadSource } from './source.js';
import { createUploadQueue, upload, type UploadHandle, type UploadOptions } from './upload.js';

/** Connection options: either a ready client, or what it takes to make one. */
export interface ConnectionOptions {
  /** A ready client; the options below are then ignored. */
  client?: VodClient;
  /** Default `https://vod2.qcloud.com/v2/index.php`. */
  endpoint?: string;
  /** Default `gz`. */
  region?: string;
  /** Signs requests (a remote signer in browsers). */
  signer?: Signer;
  /** Server-side only: with `secretKey`, builds a signer. Also scopes checkpoints. */
  secretId?: string;
  /** Server-side only. Never ship a SecretKey to a browser. */
  secretKey?: string;
  /** A fetch implementation (tests, proxies). Default the global one. */
  fetch?: typeof fetch;
  /** Extra headers on every request (e.g. a token for an upload proxy), or a function returning them. */
  headers?: VodClientOptions['headers'];
  /** Per-request time limit in ms (sending, waiting, reading the answer). Default 60 000. */
  timeoutMs?: number;
  /**
   * An attempt with no byte sent or received for this many ms is cancelled and retried (that
   * request alone). `0` turns the watch off. Default 30 000.
   */
  stallTimeoutMs?: number;
  /** Part bodies as streams the stall watch can follow (see `VodClientOptions`); the runtime picks the default. */
  streamPartBodies?: boolean;
}

/** Options of a runtime entry's `upload()`: the engine's options, with the client and hasher optional. */
export type EasyUploadOptions = Omit<UploadOptions, 'client' | 'hasher'> & ConnectionOptions & RetryShorthand & { hasher?: Hasher };

export interface RetryShorthand {
  /** Retries of each request after its first attempt (shorthand for `retry.retries`). Default 5. */
  retries?: number;
}

/** `retries` folded into `retry` (an explicit `retry.retries` wins). */
function withRetries<T extends RetryShorthand & { retry?: UploadOptions['retry'] }>(options: T): T {
  if (options.retries === undefined) return options;
  return { ...options, retry: { retries: options.retries, ...options.retry } };
}

/** What a runtime provides. Called lazily, on the first upload, never at import time. */
export interface RuntimeServices {
  /** Makes the runtime's default hasher (called once, on the first upload without a `hasher`). */
  createHasher(): Hasher;
  /** The default persistent store, or undefined for memory only. */
  createCheckpointStore?(): CheckpointStore | undefined;
  /** Client options this runtime does best with (e.g. streamed part bodies on Node). */
  clientDefaults?: Pick<VodClientOptions, 'streamPartBodies'>;
}

/** Options of a runtime entry's `createUploadQueue()`: the engine's, with the client and hasher optional. */
export type EasyUploadQueueOptions<S extends UploadSource = Blob> = Omit<UploadQueueOptions<S>, 'client' | 'hasher'> &
  ConnectionOptions &
  RetryShorthand & { hasher?: Hasher };

/** The `upload()` of every runtime entry: one signature everywhere. */
export type UploadFunction = (source: UploadSource, options: EasyUploadOptions) => UploadHandle;

/** The `createUploadQueue()` of every runtime entry. */
export type CreateUploadQueueFunction = <S extends UploadSource = Blob>(options: EasyUploadQueueOptions<S>) => UploadQueue<S>;

/** The upload API of one runtime entry, made by {@link bindUpload}. */
export interface BoundUpload {
  /** Uploads one file (see the root `upload`). */
  upload: UploadFunction;
  /** Makes an upload queue (see the root `createUploadQueue`). */
  createUploadQueue: CreateUploadQueueFunction;
  /** The client `upload()` would use for these options (created once, then reused). */
  clientFor(options: ConnectionOptions): VodClient;
}

/** Binds the engine to one runtime's services. */
export function bindUpload(runtime: RuntimeServices): BoundUpload {
  let hasher: Hasher | undefined;
  let checkpoints: CheckpointStore | undefined | null = null;
  const clients = new Map<string, VodClient>();
  // Objects (signer, fetch, headers) are told apart by identity: another user's fetch wrapper
  // or token must never reuse a client made for someone else.
  const objectIds = new WeakMap<object, number>();
  let nextObjectId = 1;
  const idOf = (value: object | undefined): number => {
    if (value === undefined) return 0;
    let id = objectIds.get(value);
    if (id === undefined) objectIds.set(value, (id = nextObjectId++));
    return id;
  };

  const clientFor = (options: ConnectionOptions): VodClient => {
    if (options.client) return options.client;
    const signer = options.signer ?? secretSigner(options);
    const headers =
      typeof options.headers === 'object' && !Array.isArray(options.headers) && !(options.headers instanceof Headers)
        ? JSON.stringify(options.headers)
        : idOf(options.headers as object | undefined);
    const streamPartBodies = options.streamPartBodies ?? runtime.clientDefaults?.streamPartBodies;
    // Values as given (undefined → null, numbers as text so NaN stays NaN): '' or 0 is not "the
    // default" and must reach the client's validation, not reuse a client made without them.
    const given = [options.endpoint, options.region, options.timeoutMs, options.stallTimeoutMs, streamPartBodies].map((value) =>
      value === undefined ? null : typeof value === 'number' ? String(value) : value,
    );
    const key = JSON.stringify([...given, idOf(signer), idOf(options.fetch), headers]);
    let client = clients.get(key);
    if (!client) {
      client = createVodClient({
        signer,
        ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
        ...(options.region !== undefined ? { region: options.region } : {}),
        ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
        ...(options.headers !== undefined ? { headers: options.headers } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.stallTimeoutMs !== undefined ? { stallTimeoutMs: options.stallTimeoutMs } : {}),
        ...(streamPartBodies !== undefined ? { streamPartBodies } : {}),
      });
      clients.set(key, client);
    }
    return client;
  };

  // Signers made from SecretId/SecretKey are cached so the client (and its pacer) is shared too.
  const secretSigners = new Map<string, Signer>();
  const secretSigner = (options: ConnectionOptions): Signer => {
    if (options.secretId === undefined || options.secretKey === undefined) {
      throw new VodArgumentError('signer', 'a Signer, or secretId and secretKey (server-side only)');
    }
    const key = JSON.stringify([options.secretId, options.secretKey]);
    let signer = secretSigners.get(key);
    if (!signer) secretSigners.set(key, (signer = lazySecretSigner(options.secretId, options.secretKey)));
    return signer;
  };

  const defaults = (options: ConnectionOptions & { hasher?: Hasher; checkpoints?: CheckpointStore | false }) => {
    if (checkpoints === null) checkpoints = runtime.createCheckpointStore?.();
    if (!options.hasher && !hasher) hasher = runtime.createHasher();
    return {
      client: clientFor(options),
      hasher: options.hasher ?? hasher!,
      ...(options.checkpoints === undefined && checkpoints ? { checkpoints } : {}),
    };
  };

  return {
    clientFor,
    upload(source, options) {
      if (!options || typeof options !== 'object') throw new VodArgumentError('options', 'an object with endpoint and signer');
      return upload(source, { ...withRetries(options), ...defaults(options) });
    },
    createUploadQueue(options) {
      return createUploadQueue({ ...withRetries(options), ...defaults(options) });
    },
  };
}

/**
 * `createSecretSigner`, imported on the first signature: pages (which sign remotely) never load
 * the HMAC code. The arguments are checked at once, as `createSecretSigner` checks them.
 */
function lazySecretSigner(secretId: unknown, secretKey: unknown): Signer {
  if (typeof secretId !== 'string' || secretId.length === 0) throw new VodArgumentError('secretId', 'a non-empty string', secretId);
  if (typeof secretKey !== 'string' || secretKey.length === 0) throw new VodArgumentError('secretKey', 'a non-empty string');
  let signer: Promise<Signer> | undefined;
  return {
    async sign(input) {
      signer ??= import('../protocol/signature.js').then(({ createSecretSigner }) => createSecretSigner({ secretId, secretKey }));
      return (await signer).sign(input);
    },
  };
}
