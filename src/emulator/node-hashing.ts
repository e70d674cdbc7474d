/**
 * node:crypto (OpenSSL) for the emulator on Node: what `startEmulator` (and so the CLI) uses.
 * Only Node-side modules import this file, so the emulator's own entry stays portable.
 */
import { createHash, type Hash } from 'node:crypto';
import type { Digest, EmulatorHashing } from './hashing.js';

const openssl = (algorithm: 'md5' | 'sha1'): (() => Digest) => () => {
  const state: Hash = createHash(algorithm);
  return {
    update: (bytes) => void state.update(bytes),
    hex: () => state.digest('hex'),
  };
};

/** node:crypto's MD5 and SHA-1. */
export const nodeHashing: EmulatorHashing = Object.freeze({ name: 'node', md5: openssl('md5'), sha1: openssl('sha1') });
