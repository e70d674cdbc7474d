/**
 * Deno's and Bun's own file and hashing paths, run in the real runtimes on the built package
 * (probe scripts under test/runtimes/<runtime>/). Needs the build.
 */
import { describe, expect, it } from 'vitest';
import { runProbe, runtimeVersion } from './runtimes/server-runtime-child.js';

describe(`adapter: ${runtimeVersion('deno')}`, () => {
  it('DenoFile reads lazily and exactly; worker and inline hashers agree; changed and missing files are refused', async () => {
    expect(await runProbe('deno', 'test/runtimes/deno/file-probe.mjs')).toEqual({
      blob: false,
      name: 'probe.mp4',
      size: true,
      slice: true,
      clampedSlice: 5,
      stream: true,
      worker: { runner: 'worker', ok: true },
      inline: { runner: 'inline', ok: true },
      sameMd5s: true,
      changed: 'NotReadableError',
      changedSlice: 'NotReadableError',
      missing: 'NotFound',
    });
  });
});

describe(`adapter: ${runtimeVersion('bun')}`, () => {
  it('Bun.file() sources; Bun.CryptoHasher on a worker and inline agree; a missing file is refused', async () => {
    expect(await runProbe('bun', 'test/runtimes/bun/file-probe.mjs')).toEqual({
      blob: true,
      size: true,
      worker: { runner: 'worker', engine: 'bun', ok: true },
      inline: { runner: 'inline', engine: 'bun', ok: true },
      sameMd5s: true,
      missing: 'NotFoundError',
    });
  });
});
