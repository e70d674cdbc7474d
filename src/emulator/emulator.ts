/**
 * `createEmulator`: a local stand-in for the VOD server-side upload service, as one web-standard
 * handler `(Request) => Promise<Response>` that runs in Node, Deno, Bun or workerd.
 */
import { DEFAULT_RATE_LIMITS, PROTOCOL_PATHS, VodArgumentError, type VodAction } from '../protocol/index.js';
import { textResponse, preflightResponse, answer, answerText, jsonResponse } from './answer.js';
import { handleApi } from './api.js';
import { handleControl } from './control.js';
import { FaultInjector } from './faults.js';
import { parseFaultPlan, type FaultPlanInput } from './fault-plan.js';
import { FILE_PATH, serveFile } from './files.js';
import { Gate, type EmulatorCredential, type RateLimits } from './gate.js';
import type { BodySource } from './body.js';
import { portableHashing, type EmulatorHashing } from './hashing.js';
import { createLink, type LinkOptions } from './link.js';
import { RequestLog } from './log.js';
import { RunningSha1 } from './running-sha1.js';
import { MemoryStorage } from './memory-storage.js';
import { createSessionLock } from './session-lock.js';
import { StorageFailure } from './actions.js';
import type { EmulatorStorage } from './storage.js';

/**
 * The well-known development credentials (like Azurite's account key): public, for local use only.
 * Never accepted by the real service.
 */
export const DEV_CREDENTIALS: Readonly<EmulatorCredential> = Object.freeze({
  secretId: 'AKIDvodemulatordevsecretid00000000',
  secretKey: 'vodemulatordevsecretkey000000000',
});

/** The service's published limits, per SecretId per minute. */
export { DEFAULT_RATE_LIMITS };

/** Options of {@link createEmulator}. */
export interface EmulatorOptions {
  /** Accepted keys. Default: {@link DEV_CREDENTIALS} only. */
  credentials?: readonly EmulatorCredential[];
  /** Where sessions, parts and files live. Default: a new {@link MemoryStorage}. */
  storage?: EmulatorStorage;
  /** Allowed distance between `Timestamp` and the emulator's clock. Default 300. */
  timestampWindowSeconds?: number;
  /** Calls per SecretId per minute, by action. Default {@link DEFAULT_RATE_LIMITS}. */
  rateLimits?: Partial<RateLimits>;
  /** The clock in ms since the epoch (tests move it). Default `Date.now`. */
  now?: () => number;
  /** Origin that file urls start with, e.g. `http://localhost:8787`. Default: the origin each request was addressed to. */
  publicUrl?: string;
  /** Serve the `/_emulator/` control API. Default true. */
  controlApi?: boolean;
  /**
   * The MD5 and SHA-1 used to check parts and files. Default: {@link portableHashing} (pure JS,
   * any runtime); `startEmulator` passes node:crypto's.
   */
  hashing?: EmulatorHashing;
  /**
   * Where a request's body is read from. Default: `request.body`. The Node server passes the
   * `IncomingMessage` behind each request, which saves a web-stream adapter per part.
   */
  requestBody?: (request: Request) => BodySource;
  /**
   * Seeded random faults, as a SPEC string like `"seed=7,all=0.2"` or a plan object (see the
   * README's emulator section). Rules queued on `faults` still come first. Default: none.
   */
  faults?: FaultPlanInput;
  /**
   * An emulated network link: a delay before each protocol answer and a bandwidth shared by all
   * request bodies, to try uploads under real conditions. Default: none (loopback speed).
   */
  link?: LinkOptions;
}

/** An emulator of the upload protocol, independent of any server: {@link startEmulator} serves one over HTTP. */
export interface Emulator {
  /** Answers one HTTP request. Never throws. */
  handler: (request: Request) => Promise<Response>;
  /** What the emulator received. */
  log: RequestLog;
  /** Queue of injected faults. */
  faults: FaultInjector;
  /** Where sessions, parts and files live. */
  storage: EmulatorStorage;
  /** The accepted SecretId/SecretKey pairs. */
  credentials: readonly EmulatorCredential[];
  /** Nonces remembered for replay detection (bounded: older than twice the window are dropped). */
  rememberedNonces(): number;
  /** Ends hanging requests, refuses new ones (503) and closes the storage. */
  close(): Promise<void>;
}

function checkOptions(options: EmulatorOptions): void {
  for (const [index, credential] of (options.credentials ?? []).entries()) {
    if (typeof credential?.secretId !== 'string' || credential.secretId.length === 0 || credential.secretId.length > 128) {
      throw new VodArgumentError(`credentials[${index}].secretId`, 'a string of 1 to 128 characters', credential?.secretId);
    }
    if (typeof credential.secretKey !== 'string' || credential.secretKey.length === 0) {
      throw new VodArgumentError(`credentials[${index}].secretKey`, 'a non-empty string');
    }
  }
  if (options.credentials !== undefined && options.credentials.length === 0) {
    throw new VodArgumentError('credentials', 'at least one credential', options.credentials);
  }
  const window = options.timestampWindowSeconds;
  if (window !== undefined && !(Number.isFinite(window) && window > 0)) {
    throw new VodArgumentError('timestampWindowSeconds', 'a positive number of seconds', window);
  }
  for (const [action, limit] of Object.entries(options.rateLimits ?? {})) {
    if (!(Number.isInteger(limit) && limit >= 0)) throw new VodArgumentError(`rateLimits.${action}`, 'an integer ≥ 0', limit);
  }
  const hashing = options.hashing;
  if (hashing !== undefined && (typeof hashing?.md5 !== 'function' || typeof hashing.sha1 !== 'function')) {
    throw new VodArgumentError('hashing', 'an object with md5() and sha1() digest factories', hashing);
  }
  if (options.publicUrl !== undefined && !/^https?:\/\/[^/?#\s]+$/.test(options.publicUrl)) {
    throw new VodArgumentError('publicUrl', 'an http(s) origin without a path, like "http://localhost:8787"', options.publicUrl);
  }
}

const readFailure = (error: unknown): never => {
  throw new StorageFailure('read', error);
};

/** Creates an emulator. Serve its `handler` with any server (see `startEmulator` for Node). */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  checkOptions(options);
  const credentials = (options.credentials ?? [DEV_CREDENTIALS]).map((credential) => ({ ...credential }));
  const storage = options.storage ?? new MemoryStorage();
  const now = options.now ?? Date.now;
  const log = new RequestLog();
  const faults = new FaultInjector(options.faults === undefined ? undefined : parseFaultPlan(options.faults));
  const rateLimits: RateLimits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const gate = new Gate({
    credentials,
    timestampWindowSeconds: options.timestampWindowSeconds ?? 300,
    rateLimits,
    now,
    hmacBase64: options.hashing?.hmacBase64?.bind(options.hashing),
  });
  let closing = false;
  let markClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  const issued = new Set<string>();

  /** 20 digits starting with 1: above 2^63, as real ids can be, so clients must keep them as strings. */
  const newFileId = async (): Promise<string> => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const digits = crypto.getRandomValues(new Uint8Array(19)).reduce((text, byte) => text + (byte % 10), '1');
      if (!issued.has(digits) && !(await storage.getFileById(digits).catch(readFailure))) {
        issued.add(digits);
        return digits;
      }
    }
    throw new Error('could not find an unused fileId');
  };

  const hashing = options.hashing ?? portableHashing;
  const runningSha1 = new RunningSha1(hashing);
  const link = createLink(options.link);
  const readBody = options.requestBody ?? ((request: Request) => request.body);
  const requestBody = link ? (request: Request) => link.throttle(readBody(request)) : readBody;
  const deps = {
    gate,
    log,
    faults,
    storage,
    now,
    publicUrl: options.publicUrl,
    sessionLock: createSessionLock(),
    closed,
    newFileId,
    hashing,
    runningSha1,
    requestBody,
  };

  const route = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const path = url.pathname;
    if (closing) return textResponse(503, 'Service Unavailable: the emulator is closing', request);
    // Before preflights: the control API approves none (see control.ts).
    if (path.startsWith('/_emulator/') && options.controlApi !== false) return handleControl(request, path, url, log, faults);
    if (request.method === 'OPTIONS') return preflightResponse(request);
    if ((PROTOCOL_PATHS as readonly string[]).includes(path)) {
      const response = await handleApi(request, url, deps);
      await link?.delay(closed);
      return response;
    }
    const file = FILE_PATH.exec(path);
    if (file && (request.method === 'GET' || request.method === 'HEAD')) return serveFile(request, storage, file[1]!, file[2]!);
    if (file) return textResponse(405, 'Method Not Allowed', request, { Allow: 'GET, HEAD, OPTIONS' });
    return textResponse(404, 'Not Found', request);
  };

  const handler = async (request: Request): Promise<Response> => {
    try {
      return await route(request);
    } catch (error) {
      // Last resort: a protocol answer for the API, plain text elsewhere; never a crash.
      const message = `internal error: ${error instanceof Error ? error.message : String(error)}`.slice(0, 1000);
      let path = '';
      try {
        path = new URL(request.url).pathname;
      } catch {
        return textResponse(400, 'Bad Request', request);
      }
      if ((PROTOCOL_PATHS as readonly string[]).includes(path)) return jsonResponse(answerText(answer(6000, message, 1)), request);
      return textResponse(500, message, request);
    }
  };

  return {
    handler,
    log,
    faults,
    storage,
    credentials,
    rememberedNonces: () => gate.nonceCount,
    async close() {
      if (closing) return;
      closing = true;
      markClosed();
      await storage.close();
    },
  };
}

export type { EmulatorCredential, RateLimits, VodAction };
