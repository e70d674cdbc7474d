/**
 * Importing a server entry has no side effects: the built Node entry reads no `process` while it
 * is imported, and the Deno entry imports (and makes its default store) with no permissions at
 * all — Deno refuses the first real use, which proves the lookups are lazy. Needs the build.
 */
import { describe, expect, it } from 'vitest';
import { runProbe } from './runtimes/server-runtime-child.js';

describe('importing the server entries has no side effects', () => {
  it('Node: `import "vod-upload"` reads nothing from process', async () => {
    expect(await runProbe('node', 'test/runtimes/node/import-probe.mjs')).toEqual({ touched: [], adapter: true });
  });

  it('Deno: imports with no permissions; the default checkpoint store asks for them only when used', async () => {
    expect(await runProbe('deno', 'test/runtimes/deno/import-probe.mjs', [])).toEqual({ adapter: true, firstUse: 'NotCapable' });
  });
});
