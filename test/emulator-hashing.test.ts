/**
 * The emulator's hashing engines (src/emulator/hashing.ts, node-hashing.ts): the portable one and
 * node:crypto's give the digests a reference gives, for views into larger buffers too (a part
 * arrives as views into the socket's chunks), and the same request signatures.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { portableHashing, type EmulatorHashing } from '../src/emulator/hashing.js';
import { nodeHashing } from '../src/emulator/node-hashing.js';
import { hmacBase64 } from '../src/protocol/index.js';

const BUFFER = Uint8Array.from({ length: 4096 }, (_, index) => (index * 31 + 7) % 256);
const reference = (algorithm: 'md5' | 'sha1', bytes: Uint8Array): string => createHash(algorithm).update(bytes).digest('hex');

describe.each([
  ['portable', portableHashing],
  ['node', nodeHashing],
] as [string, EmulatorHashing][])('%s hashing', (name, hashing) => {
  it('is named for diagnostics', () => {
    expect(hashing.name).toBe(name);
  });

  it.each([
    ['the whole buffer', BUFFER],
    ['a view from an offset', BUFFER.subarray(3, 1000)],
    ['a view from the start, shorter than its buffer', BUFFER.subarray(0, 1000)],
    ['an empty view', BUFFER.subarray(10, 10)],
  ])('hashes %s, and only its bytes', (_, bytes) => {
    for (const algorithm of ['md5', 'sha1'] as const) {
      const digest = hashing[algorithm]();
      digest.update(bytes);
      expect(digest.hex(), algorithm).toBe(reference(algorithm, bytes));
    }
  });

  it('hashes bytes fed in several views as one message', () => {
    for (const algorithm of ['md5', 'sha1'] as const) {
      const digest = hashing[algorithm]();
      for (let offset = 0; offset < BUFFER.length; offset += 1000) digest.update(BUFFER.subarray(offset, offset + 1000));
      expect(digest.hex(), algorithm).toBe(reference(algorithm, BUFFER));
    }
  });
});

describe('node hashing signs as WebCrypto does', () => {
  it.each(['HmacSHA1', 'HmacSHA256'] as const)('%s over non-ASCII text', async (method) => {
    const plain = 'POSTvod.example.test/v2/index.php?fileName=视频🎬&Nonce=1';
    expect(await nodeHashing.hmacBase64!('密钥-key', method)(plain)).toBe(await hmacBase64('密钥-key', method)(plain));
  });
});
