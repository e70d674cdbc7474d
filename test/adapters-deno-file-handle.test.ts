/**
 * DenoFile reads parts through one handle per run (like NodeFile), not one open per part. Deno's
 * file has no positioned read, so concurrent reads must take turns on the shared seek position.
 * Run in Node against a stand-in for `globalThis.Deno` built on node:fs (the real runtime is
 * covered by test/runtimes/deno/file-probe.mjs where Deno is installed).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDenoFile } from '../src/adapters/deno/file-source.js';

const MiB = 1048576;
let dir: string;
let path: string;
let bytes: Uint8Array;
const opened: { closed: boolean }[] = [];

/** Deno's FsFile on a node:fs handle: a seek position, and reads that wait a turn so calls interleave. */
async function fakeOpen(file: string) {
  const handle = await open(file, 'r');
  const state = { closed: false };
  opened.push(state);
  let position = 0;
  return {
    async seek(offset: number) {
      position = offset;
      return position;
    },
    async read(into: Uint8Array) {
      await new Promise((resolve) => setImmediate(resolve));
      const { bytesRead } = await handle.read(into, 0, Math.min(into.length, 64 * 1024), position);
      position += bytesRead;
      return bytesRead === 0 ? null : bytesRead;
    },
    async stat() {
      const info = await handle.stat();
      return { size: info.size, mtime: info.mtime, isFile: true };
    },
    close() {
      if (state.closed) throw new Error('closed twice');
      state.closed = true;
      void handle.close();
    },
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vod-deno-file-'));
  path = join(dir, 'clip.mp4');
  bytes = new Uint8Array(randomBytes(12 * MiB + 345));
  await writeFile(path, bytes);
  (globalThis as { Deno?: unknown }).Deno = {
    open: fakeOpen,
    stat: async (file: string) => {
      const info = await stat(file);
      return { size: info.size, mtime: info.mtime, isFile: info.isFile() };
    },
    env: { get: () => undefined },
    build: { os: 'linux' },
  };
});
afterAll(async () => {
  delete (globalThis as { Deno?: unknown }).Deno;
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  opened.length = 0;
});

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0;

describe('DenoFile: one handle for the parts of a run', () => {
  it('13 parts read 4 at a time through one open, each with its own bytes; close() closes it', async () => {
    const file = await openDenoFile(path);
    const offsets = Array.from({ length: Math.ceil(bytes.length / MiB) }, (_, index) => index * MiB);
    let next = 0;
    const wrong: number[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < offsets.length) {
          const offset = offsets[next++]!;
          const part = await file.read(offset, offset + MiB);
          if (!same(part, bytes.subarray(offset, offset + MiB))) wrong.push(offset);
        }
      }),
    );
    expect(wrong).toEqual([]);
    expect(opened).toHaveLength(1);
    await file.close();
    expect(opened.map((handle) => handle.closed)).toEqual([true]);
    // A read after close opens the file again.
    expect(same(await file.read(5, 105), bytes.subarray(5, 105))).toBe(true);
    expect(opened).toHaveLength(2);
    await file.close();
    await file.close();
    expect(opened.map((handle) => handle.closed)).toEqual([true, true]);
  });

  it('close() waits for the reads in progress; slice() checks the file on its own handle', async () => {
    const file = await openDenoFile(path);
    const reading = file.read(0, 3 * MiB);
    const closing = file.close();
    expect(same(await reading, bytes.subarray(0, 3 * MiB))).toBe(true);
    await closing;
    expect(opened.every((handle) => handle.closed)).toBe(true);
    const slice = new Uint8Array(await (await file.slice(MiB - 7, MiB + 7)).arrayBuffer());
    expect(same(slice, bytes.subarray(MiB - 7, MiB + 7))).toBe(true);
    expect(opened.every((handle) => handle.closed)).toBe(true);
  });
});
