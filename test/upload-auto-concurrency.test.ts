/**
 * `concurrency: 'auto'` against the emulator over an emulated 50 ms link: it grows past the parts
 * it starts with (5), then backs off when the service answers a burst of 4400 (rate limit). Asserted on
 * the sequence of decisions and on what the emulator saw, never on how fast the machine is.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeHasher } from '../src/adapters/node/index.js';
import { uploadWithClient as upload, type UploadProgress } from '../src/engine.js';
import type { ConcurrencyDecision } from '../src/core/concurrency-types.js';
import { AUTO_INITIAL_CONCURRENCY as FIRST } from '../src/util/concurrency.js';
import { makeClient, randomFile, settle, startEmulator, type RunningEmulator } from './helpers/upload-stack.js';

const PART = 524288 as const;
let running: RunningEmulator | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe("concurrency: 'auto' over an emulated 50 ms link", () => {
  it('grows past the first figure, then halves on a 4400 burst; the rounds measured at least the link latency', async () => {
    running = await startEmulator({ port: 0, latency: 50 });
    const parts = 48;
    // Parts 28 to 31 are answered 4400 once each: by then the first round (5 parts) has grown the figure.
    for (let index = 28; index < 32; index++) {
      running.emulator.faults.add({ action: 'UploadPart', offset: index * PART, kind: 'answer', code: 4400, canRetry: 1 });
    }
    const decisions: ConcurrencyDecision[] = [];
    const progress: UploadProgress[] = [];
    const handle = upload(randomFile(parts * PART), {
      client: makeClient(running),
      hasher: createNodeHasher({ threads: 1 }),
      partSize: PART,
      retry: { baseDelayMs: 10, rateLimitDelayMs: 20 },
    });
    handle.on('concurrency', (decision) => decisions.push(decision));
    handle.on('progress', (state) => progress.push(state));
    await handle.done;
    await settle(running);

    // The first round always grows: nothing was measured before it (to twice the parts it found in flight).
    expect(decisions[0]).toMatchObject({ from: FIRST, reason: 'first-round' });
    expect(decisions[0]!.to).toBeGreaterThan(FIRST);
    expect(decisions[0]!.to).toBeLessThanOrEqual(2 * FIRST);
    const backoff = decisions.findIndex((decision) => decision.reason === 'rate-limited');
    expect(backoff, JSON.stringify(decisions)).toBeGreaterThan(0);
    expect(Math.max(...decisions.slice(0, backoff).map((decision) => decision.to))).toBeGreaterThan(FIRST);
    for (const decision of decisions.filter((d) => d.reason === 'rate-limited'))
      expect(decision.to).toBe(Math.max(1, Math.floor(decision.from / 2)));
    // Round decisions carry what the round measured: every part waited for the 50 ms link.
    for (const decision of decisions.filter((d) => d.reason !== 'rate-limited')) {
      expect(decision.rttMs).toBeGreaterThanOrEqual(50);
      expect(decision.throughput).toBeGreaterThan(0);
    }
    // Progress events carry the figure (0 until parts are sent): 5 at first, then what the decisions said.
    const allowed = new Set([0, FIRST, ...decisions.map((decision) => decision.to)]);
    for (const state of progress) expect(allowed).toContain(state.concurrency);
    expect(progress.at(-1)?.concurrency).toBe(decisions.at(-1)!.to);

    // What the emulator saw: the burst, every part once more than 5 in flight needed more than 5
    // connections, and no more connections than the most parts allowed + 2.
    const log = running.emulator.log.summary();
    expect(log.counts['UploadPart:4400']).toBe(4);
    expect(log.counts['UploadPart:0']).toBe(parts);
    const most = Math.max(FIRST, ...decisions.map((decision) => decision.to));
    expect(log.connections).toBeGreaterThan(FIRST);
    expect(log.connections).toBeLessThanOrEqual(most + 2);
  });

  it('a fixed number still fixes it: no decision, the figure stays, 4 connections for 4 parts in flight', async () => {
    running = await startEmulator({ port: 0, latency: 50 });
    const decisions: ConcurrencyDecision[] = [];
    const figures = new Set<number>();
    const handle = upload(randomFile(16 * PART), {
      client: makeClient(running),
      hasher: createNodeHasher({ threads: 1 }),
      partSize: PART,
      concurrency: 4,
    });
    handle.on('concurrency', (decision) => decisions.push(decision));
    handle.on('progress', (state) => state.phase === 'uploading' && figures.add(state.concurrency));
    await handle.done;
    expect(decisions).toEqual([]);
    expect([...figures].sort()).toEqual([0, 4]);
    expect(running.emulator.log.summary().connections).toBeLessThanOrEqual(4 + 2);
  });

  it('32 parts in flight add no more than a few listeners to any one signal (Node warns of a leak past 10)', async () => {
    running = await startEmulator({ port: 0, latency: 50 });
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      await upload(randomFile(32 * PART), {
        client: makeClient(running),
        hasher: createNodeHasher({ threads: 1 }),
        partSize: PART,
        concurrency: 32,
      }).done;
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((warning) => warning.startsWith('MaxListenersExceededWarning'))).toEqual([]);
    expect(running.emulator.log.summary().connections).toBeLessThanOrEqual(32 + 2);
  });
});
