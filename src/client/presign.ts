/**
 * Signed parameter sets made ahead of time. A remote signer turns one `sign()` per part into one
 * round trip per part; signing the next parts together makes it one round trip per batch. Each
 * set is used once (its Nonce must not repeat) and only while fresh, well inside the service's
 * timestamp window; a retry always signs anew.
 */

/** How long a presigned request stays usable: far inside the 300 s window the service allows. */
export const PRESIGN_MAX_AGE_MS = 120_000;
/** Sets kept at most (oldest dropped first): bounds memory whatever the caller asks. */
export const PRESIGN_MAX_ENTRIES = 1024;

export interface PresignCache {
  put(key: string, params: Record<string, string>, signedAt: number): void;
  /** The set for `key` if fresh; removed either way, so it is never used twice. */
  take(key: string, now: number): Record<string, string> | undefined;
  readonly size: number;
}

export function createPresignCache(maxAgeMs = PRESIGN_MAX_AGE_MS, maxEntries = PRESIGN_MAX_ENTRIES): PresignCache {
  const entries = new Map<string, { params: Record<string, string>; signedAt: number }>();
  return {
    put(key, params, signedAt) {
      entries.delete(key);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, { params, signedAt });
    },
    take(key, now) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      return now - entry.signedAt <= maxAgeMs ? entry.params : undefined;
    },
    get size() {
      return entries.size;
    },
  };
}

/** The identity of one UploadPart request: every protocol parameter, so a changed part never reuses a set. */
export function presignKey(wireParams: Readonly<Record<string, string>>): string {
  return JSON.stringify([wireParams.fileSha, wireParams.offset, wireParams.dataSize, wireParams.dataMd5]);
}
