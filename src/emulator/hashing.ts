/**
 * The hashes the emulator checks (MD5 of each part, SHA-1 of the assembled file), behind one
 * small interface: the portable engine (pure JS, runs in workerd and browsers) is the default,
 * and `startEmulator` on Node injects node:crypto, which is several times faster.
 */
import SparkMD5 from 'spark-md5';
import { sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { SignatureMethod } from '../protocol/index.js';

/** One message being hashed: fed in pieces, read once. */
export interface Digest {
  /** Feeds the next bytes. */
  update(bytes: Uint8Array): void;
  /** The digest as lower-case hex; the digest cannot be used afterwards. */
  hex(): string;
}

/** Makes fresh digests. */
export interface EmulatorHashing {
  /** Shown in diagnostics, e.g. `'portable'` or `'node'`. */
  readonly name: string;
  /** A fresh MD5. */
  md5(): Digest;
  /** A fresh SHA-1. */
  sha1(): Digest;
  /**
   * Optional: an HMAC (base64) of request signatures with `secretKey`, for the signature check.
   * Without it, the check uses WebCrypto (an async job per request; Node's hashing signs inline).
   */
  hmacBase64?(secretKey: string, method: SignatureMethod): (plain: string) => Promise<string>;
}

/** spark-md5 takes ArrayBuffers: a view over part of a larger buffer is copied out first. */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const { buffer } = bytes;
  if (buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength) return buffer;
  return bytes.slice().buffer;
}

/** Pure JavaScript (spark-md5, which is several times faster than @noble's MD5; @noble's SHA-1): runs wherever the emulator does. */
export const portableHashing: EmulatorHashing = Object.freeze({
  name: 'portable',
  md5(): Digest {
    const state = new SparkMD5.ArrayBuffer();
    return { update: (bytes) => void state.append(ownBuffer(bytes)), hex: () => state.end() };
  },
  sha1(): Digest {
    const state = sha1.create();
    return { update: (bytes) => void state.update(bytes), hex: () => bytesToHex(state.digest()) };
  },
});
