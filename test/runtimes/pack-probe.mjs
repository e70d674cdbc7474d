// Run by test/publish.test.ts inside the unpacked tarball: hashes a 5 MiB file with the runtime's
// default hasher, which must run on the build's worker script (two threads), not inline.
const runtime = globalThis.Deno ? 'deno' : globalThis.Bun ? 'bun' : 'node';
const api = await import(`vod-upload/${runtime}`);
const { writeFile, mkdtemp } = await import('node:fs/promises');
const { createHash } = await import('node:crypto');
const { tmpdir } = await import('node:os');
const dir = await mkdtemp(`${tmpdir()}/vod-pack-probe-`);
const bytes = new Uint8Array(5 * 1048576 + 7).map((_, i) => (i * 31) & 255);
await writeFile(`${dir}/a.bin`, bytes);
const hasher = runtime === 'deno' ? api.createDenoHasher() : runtime === 'bun' ? api.createBunHasher() : api.createNodeHasher();
const result = await hasher.hash(await api.openFile(`${dir}/a.bin`), { partSize: 1048576 });
const ok = result.sha1 === createHash('sha1').update(bytes).digest('hex') && result.partMd5s.length === 6;
console.log(`RESULT ${JSON.stringify({ runtime, runner: result.runner, threads: result.threads, engine: result.engine, ok })}`);
hasher.close?.();
await (await import('node:fs/promises')).rm(dir, { recursive: true, force: true });
