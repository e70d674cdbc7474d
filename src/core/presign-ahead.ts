/**
 * Keeps signatures ready for the next parts, so a remote signer costs one round trip per batch
 * of parts rather than one per part. Signing ahead is an optimisation only: if it fails or a
 * signature grows stale, the client signs that part on demand.
 */
import type { VodClient } from '../client/client.js';
import type { UploadPartParams } from '../protocol/schemas.js';

/** Parts signed per batch: large enough to amortise a round trip, small enough to stay fresh. */
export const PRESIGN_BATCH = 32;

export interface PresignAhead {
  /** Resolves once part `index` (of the list) has been signed ahead, or signing ahead failed. */
  ready(index: number): Promise<void>;
}

export function presignAhead(client: VodClient, parts: readonly UploadPartParams[], concurrency: number): PresignAhead {
  const batch = Math.max(PRESIGN_BATCH, concurrency * 2);
  const pending: { end: number; done: Promise<void> }[] = [];
  let signedUpTo = 0;

  const signNextBatch = (): void => {
    const next = parts.slice(signedUpTo, signedUpTo + batch);
    signedUpTo += next.length;
    const done = client.presignParts!(next).catch(() => undefined);
    pending.push({ end: signedUpTo, done });
  };

  return {
    async ready(index) {
      if (!client.presignParts) return;
      // Top up while fewer than `concurrency` signed parts are left ahead of the sender.
      while (signedUpTo < parts.length && signedUpTo - index < concurrency) signNextBatch();
      while (pending.length > 0 && pending[0]!.end <= index) pending.shift();
      await pending[0]?.done;
    },
  };
}
