/**
 * The `vod-upload` command's V8 flags (bin/lean-heap.js): the young generation keeps its first
 * size for the whole run, even after the hash workers started (starting a Worker resets V8's
 * flags to the command line's). Each case runs in its own node process, as the command does.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const leanHeap = new URL('../bin/lean-heap.js', import.meta.url).href;

/**
 * A node process that (maybe) calls leanHeap(), starts a Worker and waits for it to end, then
 * allocates objects that outlive a few scavenges (as an upload's requests do): its young
 * generation's size in MiB at the end.
 */
function youngGenerationMiB(withLeanHeap: boolean): number {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { Worker } from 'node:worker_threads';
    ${withLeanHeap ? `(await import(${JSON.stringify(leanHeap)})).leanHeap();` : ''}
    const worker = new Worker('0', { eval: true });
    await new Promise((resolve) => worker.once('exit', resolve));
    const kept = [];
    for (let i = 0; i < 2e6; i++) {
      kept.push({ i, pair: [i, i + 1], text: 'x' + i });
      if (kept.length > 2000) kept.splice(0, 1000);
    }
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    console.log(young.space_size / 1048576);
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  expect(child.stderr).toBe('');
  return Number(child.stdout.trim());
}

describe('leanHeap', () => {
  it('keeps the young generation at its first size after a Worker started', () => {
    expect(youngGenerationMiB(true)).toBeLessThanOrEqual(2);
  });

  it('is needed: with V8 defaults the same allocations double the young generation', () => {
    expect(youngGenerationMiB(false)).toBeGreaterThan(2);
  });
});
