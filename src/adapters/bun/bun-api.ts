/** The few Bun APIs this adapter uses (Bun's own typings are not installed for the build). */

/** `Bun.file(path)`: a Blob read lazily from disk. */
export interface BunFile extends Blob {
  /** The path it was opened with. */
  readonly name?: string;
  /** Modification time in ms. */
  readonly lastModified: number;
  /** Whether the file exists. */
  exists(): Promise<boolean>;
}

export interface BunCryptoHasher {
  update(bytes: Uint8Array): unknown;
  digest(encoding: 'hex'): string;
}

export interface BunApi {
  file(path: string): BunFile;
  CryptoHasher: new (algorithm: 'sha1' | 'md5') => BunCryptoHasher;
}

/** `globalThis.Bun`, looked up when an adapter function runs. */
export function bunApi(): BunApi {
  const api = (globalThis as { Bun?: BunApi }).Bun;
  if (!api) throw new Error('vod-upload/bun runs in Bun; use vod-upload/node or the plain "vod-upload" import elsewhere');
  return api;
}
