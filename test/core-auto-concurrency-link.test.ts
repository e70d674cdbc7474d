/**
 * `concurrency: 'auto'` over synthetic links on a fake clock (test/helpers/link-model.ts): the
 * bench's four rows (loopback, 50 ms, 200 ms at 20 MB/s, 20 ms ± 10 ms), with bodies sharing the
 * bottleneck (acknowledgements in bursts) or going through in turn, seeded jitter and a bottleneck
 * whose speed wanders. Each upload is 96 parts, as in the bench. The controller must settle near
 * the best fixed figure of a sweep instead of swinging 4 → 8 → 4. Exact: no network, no clock.
 */
import { describe, expect, it } from 'vitest';
import { createFlightMeter } from '../src/core/flight-meter.js';
import { bestFixed, runModel, type LinkModel } from './helpers/link-model.js';

const MiBPerMs = 1048576 / 1000;
// A CPU-bound emulator at ~100 MiB/s that loses a little per part in flight beyond 6 (bench: 16 and 32 are slower on loopback).
const cpu = { bytesPerMs: 100 * MiBPerMs, knee: 6, lossPerPart: 0.012 };
const ROWS: Record<string, LinkModel> = {
  loopback: { latencyMs: 2, ...cpu },
  '50 ms': { latencyMs: 50, ...cpu },
  '200 ms, 20 MB/s': { latencyMs: 200, bytesPerMs: 19 * MiBPerMs, knee: 6, lossPerPart: 0.012 },
  '20 ms ± 10 ms': { latencyMs: 20, jitterMs: 10, ...cpu },
};
const PARTS = 96;
const casesOf = (bodies: readonly NonNullable<LinkModel['bodies']>[], parts: number, extra: Partial<LinkModel> = {}) =>
  Object.entries(ROWS).flatMap(([name, link]) =>
    bodies.flatMap((body) =>
      [0, 0.2].flatMap((speedNoise) =>
        [1, 2, 3].map((seed) => ({ name, parts, link: { ...link, ...extra, bodies: body, speedNoise, seed } })),
      ),
    ),
  );
const cases = [
  ...casesOf(['shared', 'in-turn'], PARTS),
  // A service that serves a few connections at a time, the ones it served last (the emulator on a
  // loaded loopback: some parts 30 ms, others 600 ms), or the newest bodies first. Each part's share
  // then flatters the served ones: without the clock's check (rounds.ts), every hot-first case and
  // most newest-first ones fail over the bench's 256 parts.
  ...casesOf(['hot-first', 'newest-first'], 256, { served: 3 }),
];

describe("concurrency: 'auto' on synthetic links", () => {
  it.each(cases)(
    '$name, bodies $link.bodies, speed ± $link.speedNoise, seed $link.seed, $parts parts: ≥ 0.9× the best fixed figure, settled near it',
    ({ link, parts: PARTS }) => {
      const best = bestFixed(link, PARTS);
      const auto = runModel(link, PARTS, 'auto');
      const detail = JSON.stringify({ best, auto: auto.bytesPerMs, decisions: auto.decisions.map((d) => `${d.from}→${d.to} ${d.reason}`) });
      expect(auto.bytesPerMs / best.bytesPerMs, detail).toBeGreaterThanOrEqual(0.9);
      // Settled: in the second half of the upload, ≥ 90 % of the parts went at a figure worth ≥ 0.9× the best.
      const worth = new Map<number, number>();
      const worthOf = (figure: number) => worth.get(figure) ?? worth.set(figure, runModel(link, PARTS, figure).bytesPerMs).get(figure)!;
      const late = auto.limits.slice(PARTS / 2);
      const good = late.filter((figure) => worthOf(figure) >= 0.9 * best.bytesPerMs);
      expect(good.length / late.length, detail).toBeGreaterThanOrEqual(0.9);
      // No swinging: outside probes (a quarter up, and back), the figure goes up, then at most once down.
      const moves = auto.decisions.filter((d) => d.reason !== 'probe' && d.reason !== 'probe-failed').map((d) => Math.sign(d.to - d.from));
      const turns = moves.filter((move, i) => i > 0 && move !== moves[i - 1]).length;
      expect(turns, detail).toBeLessThanOrEqual(1);
    },
  );

  it('the model itself: 8 parts in flight beat 4 by far 50 ms away, and 32 lose to 8 on loopback', () => {
    const fifty = ROWS['50 ms']!;
    expect(runModel(fifty, PARTS, 8).bytesPerMs / runModel(fifty, PARTS, 4).bytesPerMs).toBeGreaterThan(1.3);
    expect(runModel(ROWS.loopback!, PARTS, 32).bytesPerMs / runModel(ROWS.loopback!, PARTS, 8).bytesPerMs).toBeLessThan(0.85);
  });
});

describe('flight meter', () => {
  it('charges each part its share of the time: 1/n of every ms during which n were in flight', () => {
    const meter = createFlightMeter();
    const a = meter.start(0); // alone for 10 ms, then beside b for 10 ms
    const b = meter.start(10); // beside a for 10 ms, then alone for 20 ms
    expect(meter.end(a, 20)).toBeCloseTo(20 / (10 + 5));
    expect(meter.end(b, 40)).toBeCloseTo(30 / (5 + 20));
    // The shares add up to the busy time: 15 + 25 = 40 ms.
    const c = meter.start(100);
    expect(meter.end(c, 100)).toBe(1);
  });

  it('charges nothing for time with no part in flight: after an idle gap, shares go on as before', () => {
    const meter = createFlightMeter();
    meter.end(meter.start(0), 10);
    // Idle from 10 to 20. Then d alone for 5 ms, then beside e for 5 ms: 10 ms over a share of 5 + 2.5.
    const d = meter.start(20);
    const e = meter.start(25);
    expect(meter.end(d, 30)).toBeCloseTo(10 / 7.5);
    expect(meter.end(e, 30)).toBeCloseTo(5 / 2.5);
  });
});
