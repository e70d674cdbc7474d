/** The few Deno APIs this adapter uses (Deno's own typings are not installed for the build). */

export interface DenoFileInfo {
  size: number;
  mtime: Date | null;
  isFile: boolean;
}

export interface DenoFsFile {
  read(into: Uint8Array): Promise<number | null>;
  seek(offset: number, whence: 0): Promise<number>;
  stat(): Promise<DenoFileInfo>;
  close(): void;
}

export interface DenoApi {
  open(path: string, options: { read: true }): Promise<DenoFsFile>;
  stat(path: string): Promise<DenoFileInfo>;
  env: { get(name: string): string | undefined };
  build: { os: string };
}

/** `globalThis.Deno`, looked up when an adapter function runs. */
export function denoApi(): DenoApi {
  const api = (globalThis as { Deno?: DenoApi }).Deno;
  if (!api) throw new Error('vod-upload/deno runs in Deno; use vod-upload/node or the plain "vod-upload" import elsewhere');
  return api;
}
