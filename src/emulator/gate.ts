/**
 * The checks every protocol request passes before its action runs: common parameters, SecretId,
 * signature (constant time, against the host the request was addressed to), timestamp window,
 * Nonce replay and per-SecretId rate limits.
 */
import {
  commonWireParams,
  ErrorCode,
  hmacBase64,
  signatureMethodOf,
  type SignatureMethod,
  stringToSign,
  timingSafeEqual,
  type CommonParams,
  type HttpMethod,
  type VodAction,
} from '../protocol/index.js';
import { answer, type Answer } from './answer.js';

/** A SecretId and its SecretKey. */
export interface EmulatorCredential {
  /** The SecretId requests carry. */
  secretId: string;
  /** The key their signature is checked with. */
  secretKey: string;
}

/** Calls allowed per SecretId per minute, by action. */
export type RateLimits = Record<VodAction, number>;

export interface GateOptions {
  credentials: readonly EmulatorCredential[];
  timestampWindowSeconds: number;
  rateLimits: RateLimits;
  now: () => number;
  /** Makes the HMAC signatures are checked with (default WebCrypto's). */
  hmacBase64?: ((secretKey: string, method: SignatureMethod) => (plain: string) => Promise<string>) | undefined;
}

export type GateResult = { ok: true; common: CommonParams } | { ok: false; answer: Answer; common?: CommonParams };

const MINUTE = 60_000;

export class Gate {
  readonly #keys: Map<string, string>;
  readonly #options: GateOptions;
  /** `secretId \n nonce` → when it was seen (ms). Insertion order is time order, so expiry trims the front. */
  readonly #nonces = new Map<string, number>();
  /** `secretId \n action` → calls in the current minute. */
  readonly #rates = new Map<string, { minute: number; count: number }>();
  /** `method \n secretKey` → its HMAC, the key imported once (an import per request cost as much as the signing). */
  readonly #hmacs = new Map<string, (plain: string) => Promise<string>>();

  constructor(options: GateOptions) {
    this.#options = options;
    this.#keys = new Map(options.credentials.map((credential) => [credential.secretId, credential.secretKey]));
  }

  /**
   * Runs every check in order. `hosts` are the names the request may have been signed for (the
   * URL's host and the Host header, which differ only behind some adapters).
   */
  async check(method: HttpMethod, hosts: readonly string[], path: string, query: Readonly<Record<string, string>>): Promise<GateResult> {
    const parsed = commonWireParams.safeParse(query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const name = String(issue?.path[0] ?? 'common parameters');
      return { ok: false, answer: answer(ErrorCode.CommonParams, `${name}: ${issue?.message ?? 'invalid'}`, 0) };
    }
    const common = parsed.data;
    const secretKey = this.#keys.get(common.SecretId);
    if (secretKey === undefined) {
      return { ok: false, common, answer: answer(ErrorCode.UnknownSecretId, 'SecretId is not known to this emulator', 0) };
    }
    let verified = false;
    const signatureMethod = signatureMethodOf(query);
    const hmacKey = `${signatureMethod}\n${secretKey}`;
    let hmac = this.#hmacs.get(hmacKey);
    if (!hmac) this.#hmacs.set(hmacKey, (hmac = (this.#options.hmacBase64 ?? hmacBase64)(secretKey, signatureMethod)));
    for (const host of new Set(hosts)) {
      const expected = await hmac(stringToSign({ method, host, path, params: query }));
      if (timingSafeEqual(expected, common.Signature)) verified = true;
    }
    if (!verified) {
      return {
        ok: false,
        common,
        answer: answer(ErrorCode.Signature, `Signature does not verify for ${method} ${hosts[0] ?? ''}${path}`, 0),
      };
    }
    const now = this.#options.now();
    const windowMs = this.#options.timestampWindowSeconds * 1000;
    if (Math.abs(now - common.Timestamp * 1000) > windowMs) {
      const message = `Timestamp ${common.Timestamp} is outside the ${this.#options.timestampWindowSeconds} s window around ${Math.floor(now / 1000)}`;
      return { ok: false, common, answer: answer(ErrorCode.ReplayOrClock, message, 1) };
    }
    this.#forgetNonces(now);
    const nonceKey = `${common.SecretId}\n${common.Nonce}`;
    if (this.#nonces.has(nonceKey)) {
      return { ok: false, common, answer: answer(ErrorCode.ReplayOrClock, `Nonce ${common.Nonce} was already used`, 1) };
    }
    const limit = this.#options.rateLimits[common.Action];
    const rateKey = `${common.SecretId}\n${common.Action}`;
    const minute = Math.floor(now / MINUTE);
    const rate = this.#rates.get(rateKey);
    const current = rate && rate.minute === minute ? rate : { minute, count: 0 };
    if (current.count >= limit) {
      return { ok: false, common, answer: answer(ErrorCode.RateLimited, `${common.Action} is limited to ${limit} calls per minute`, 1) };
    }
    // Only a request that passes is remembered: one refused for the rate may be sent again as is.
    this.#nonces.set(nonceKey, now);
    current.count++;
    this.#rates.set(rateKey, current);
    return { ok: true, common };
  }

  /** Nonces older than the window can no longer be replayed (their Timestamp fails first). */
  #forgetNonces(now: number): void {
    const oldest = now - this.#options.timestampWindowSeconds * 1000 * 2;
    for (const [key, seen] of this.#nonces) {
      if (seen >= oldest) break;
      this.#nonces.delete(key);
    }
  }

  /** Nonces remembered right now (for tests of the memory bound). */
  get nonceCount(): number {
    return this.#nonces.size;
  }
}
