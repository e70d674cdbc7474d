/**
 * An emulator on 127.0.0.1 plus a client and a byte-counting hasher, for upload engine tests.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { settle } from './settle.js';
import { createVodClient, type VodClient, type VodClientOptions } from '../../src/client/index.js';
import { startEmulator, DEV_CREDENTIALS } from '../../src/emulator/index.js';
import { createInlineHasher } from '../../src/hasher/index.js';
import type { Hasher } from '../../src/hasher/types.js';
import { createSecretSigner } from '../../src/protocol/index.js';

export type RunningEmulator = Awaited<ReturnType<typeof startEmulator>>;

/** A hasher that counts the bytes it was asked to read, to prove when no hashing happened. */
export function countingHasher(inner: Hasher = createInlineHasher()): Hasher & { bytes: number; jobs: number } {
  const counter = {
    bytes: 0,
    jobs: 0,
    async hash(blob: Blob, options: Parameters<Hasher['hash']>[1]) {
      counter.jobs += 1;
      const result = await inner.hash(blob, options);
      counter.bytes += result.bytesHashed;
      return result;
    },
  };
  return counter;
}

export function makeClient(emulator: RunningEmulator, extra: Partial<VodClientOptions> = {}): VodClient {
  return createVodClient({ endpoint: emulator.endpoint, signer: createSecretSigner(DEV_CREDENTIALS), pacer: false, ...extra });
}

/** A File of `size` random bytes. */
export function randomFile(size: number, name = 'clip.mp4', lastModified = 1_700_000_000_000): File {
  return new File([randomBytes(size)], name, { lastModified });
}

export async function bytesOf(blob: Blob): Promise<Buffer> {
  return Buffer.from(await blob.arrayBuffer());
}

export function sha1Of(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

export { startEmulator, DEV_CREDENTIALS };

export { settle, within } from './settle.js';

/**
 * One emulator for the test file: started before its tests (handed to `use`), closed after them,
 * and before each test its faults and log cleared once the requests still in flight have settled.
 */
export function useSharedEmulator(use: (emulator: RunningEmulator) => void): void {
  let running: RunningEmulator | undefined;
  beforeAll(async () => {
    running = await startEmulator({ port: 0 });
    use(running);
  });
  afterAll(() => running?.close());
  beforeEach(async () => {
    running!.emulator.faults.clear();
    await settle(running!);
    running!.emulator.log.clear();
  });
}
