/**
 * node:crypto (OpenSSL) for the emulator on Node: what `startEmulator` (and so the CLI) uses.
 * Only Node-side modules import this file, so the emulator's own entry stays portable.
 */
import { createHash, createHmac, type Hash } from 'node:crypto';
import type { SignatureMethod } from '../protocol/index.js';
import type { Digest, EmulatorHashing } from './hashing.js';

const openssl =
  (algorithm: 'md5' | 'sha1'): (() => Digest) =>
  () => {
    const state: Hash = createHash(algorithm);
    return {
      update: (bytes) => void state.update(bytes),
      hex: () => state.digest('hex'),
    };
  };

/** node:crypto's HMAC, computed inline: WebCrypto's async job cost ~5 % of the emulator's CPU per request. */
const hmacBase64 = (secretKey: string, method: SignatureMethod) => {
  const algorithm = method === 'HmacSHA256' ? 'sha256' : 'sha1';
  return async (plain: string): Promise<string> => createHmac(algorithm, secretKey).update(plain, 'utf8').digest('base64');
};

/** node:crypto's MD5, SHA-1 and HMAC. */
export const nodeHashing: EmulatorHashing = Object.freeze({ name: 'node', md5: openssl('md5'), sha1: openssl('sha1'), hmacBase64 });
