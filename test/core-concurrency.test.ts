import { describe, expect, it } from 'vitest';
import { VodArgumentError } from '../src/protocol/index.js';
import { createLimiter } from '../src/util/concurrency.js';
import { deferred } from './helpers/deferred.js';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('createLimiter', () => {
  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '4', undefined])('rejects concurrency %s with a typed error', (value) => {
    let caught: unknown;
    try {
      createLimiter(value as number);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(VodArgumentError);
    expect(caught).toMatchObject({ parameter: 'concurrency', code: 'INVALID_ARGUMENT' });
  });

  it('never runs more than N at once over 200 tasks of random length, and runs them all', async () => {
    const limiter = createLimiter(4);
    let active = 0;
    let maxActive = 0;
    let seed = 7;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        limiter.run(async () => {
          active += 1;
          maxActive = Math.max(maxActive, active);
          expect(limiter.activeCount).toBeLessThanOrEqual(4);
          for (let k = Math.floor(random() * 4); k >= 0; k -= 1) await Promise.resolve();
          if (random() < 0.3) await tick();
          active -= 1;
          return i;
        }),
      ),
    );
    expect(maxActive).toBe(4);
    expect(results).toEqual([...Array(200).keys()]);
    expect(limiter.activeCount).toBe(0);
    expect(limiter.pendingCount).toBe(0);
  });

  it('starts waiting tasks in FIFO order and counts active/pending', async () => {
    const limiter = createLimiter(2);
    const gates = Array.from({ length: 5 }, () => deferred());
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      limiter.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect([limiter.activeCount, limiter.pendingCount]).toEqual([2, 3]);
    gates[1]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    for (const gate of gates) gate.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
  });

  it('a failing task (async or sync throw) frees its slot and rejects its own promise only', async () => {
    const limiter = createLimiter(1);
    const boom = new Error('boom');
    const a = limiter.run(async () => {
      throw boom;
    });
    const b = limiter.run(() => {
      throw boom;
    });
    const c = limiter.run(async () => 'c');
    await expect(a).rejects.toBe(boom);
    await expect(b).rejects.toBe(boom);
    await expect(c).resolves.toBe('c');
    expect(limiter.activeCount).toBe(0);
  });

  it('a waiting task whose signal aborts leaves the queue and never runs', async () => {
    const limiter = createLimiter(1);
    const gate = deferred();
    const first = limiter.run(() => gate.promise);
    const controller = new AbortController();
    let ran = false;
    const second = limiter.run(async () => {
      ran = true;
    }, controller.signal);
    expect(limiter.pendingCount).toBe(1);
    controller.abort();
    await expect(second).rejects.toMatchObject({ code: 'ABORTED' });
    expect(limiter.pendingCount).toBe(0);
    gate.resolve();
    await first;
    await tick();
    expect(ran).toBe(false);
    await expect(limiter.run(async () => 1, AbortSignal.abort())).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('one limiter shared by several "files" bounds their sum', async () => {
    const shared = createLimiter(3);
    let active = 0;
    let maxActive = 0;
    const file = (parts: number) =>
      Promise.all(
        Array.from({ length: parts }, () =>
          shared.run(async () => {
            active += 1;
            maxActive = Math.max(maxActive, active);
            await tick();
            active -= 1;
          }),
        ),
      );
    await Promise.all([file(10), file(7), file(1)]);
    expect(maxActive).toBe(3);
  });
});
