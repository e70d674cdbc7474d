/**
 * What `concurrency: 'auto'` measures (src/core/rounds.ts): a round's throughput from its parts'
 * shares of the time, held to what landed by the clock from its first start to its last answer.
 */
import { describe, expect, it } from 'vitest';
import { addLanding, addToRound, type Landing, measureRound, newRound, throughputSince } from '../src/core/rounds.js';

const KiB = 1024;
const landings = (...points: [at: number, bytes: number][]): readonly Landing[] =>
  points.reduce<readonly Landing[]>((landed, [at, bytes]) => addLanding(landed, at, bytes), []);

describe('landings', () => {
  it('keep a running total of the bytes acknowledged', () => {
    expect(landings([10, 100], [20, 50], [30, 25])).toEqual([
      { at: 10, total: 100 },
      { at: 20, total: 150 },
      { at: 30, total: 175 },
    ]);
  });

  it('keep the last 512, dropping the oldest', () => {
    let landed: readonly Landing[] = [];
    for (let i = 0; i < 512; i++) landed = addLanding(landed, i, 1);
    expect(landed).toHaveLength(512);
    expect(landed[0]).toEqual({ at: 0, total: 1 });
    // The 513th drops the first.
    landed = addLanding(landed, 512, 1);
    expect(landed).toHaveLength(512);
    expect(landed[0]).toEqual({ at: 1, total: 2 });
    for (let i = 513; i < 600; i++) landed = addLanding(landed, i, 1);
    expect(landed).toHaveLength(512);
    expect(landed[0]).toEqual({ at: 88, total: 89 });
    expect(landed.at(-1)).toEqual({ at: 599, total: 600 });
  });
});

describe('throughputSince', () => {
  const landed = landings([100, KiB], [200, KiB], [200, KiB], [300, KiB], [400, KiB]);

  it('counts what landed from `since` on, per second, up to the last landing', () => {
    // From 150: the two at 200, 300 and 400 (4 KiB) over 250 ms.
    expect(throughputSince(landed, 150)).toBeCloseTo((4 * KiB) / 0.25);
  });

  it('counts the landings at `since` itself: a round starts as one lands', () => {
    // From 200: both at 200, then 300 and 400 (4 KiB) over 200 ms.
    expect(throughputSince(landed, 200)).toBeCloseTo((4 * KiB) / 0.2);
  });

  it('has no figure when nothing landed before `since`, or no time passed since', () => {
    expect(throughputSince(landed, 100)).toBeUndefined();
    expect(throughputSince(landed, 50)).toBeUndefined();
    expect(throughputSince(landed, 400)).toBeUndefined();
    expect(throughputSince([], 0)).toBeUndefined();
  });
});

describe('measureRound', () => {
  const ack = (at: number, ms: number, inFlight: number) => ({ kind: 'ack' as const, at, bytes: KiB, ms, inFlight });

  it("takes the parts' shares when the clock agrees within 1.3×", () => {
    // 4 parts of 100 ms, 4 in flight, one landing every 25 ms as they do at a steady 4 per 100 ms.
    let landed = landings(...Array.from({ length: 8 }, (_, i): [number, number] => [25 * (i + 1), KiB]));
    let round = newRound(0, 0, 4);
    for (const at of [225, 250, 275, 300]) {
      round = addToRound(round, ack(at, 100, 4), 4);
      landed = addLanding(landed, at, KiB);
    }
    expect(round).toMatchObject({ acks: 4, bytes: 4 * KiB, shareMs: 100, msSum: 400, startedAt: 125 });
    const measured = measureRound(round, landed, 4);
    expect(measured).toEqual({ limit: 4, acks: 4, throughput: (4 * KiB) / 0.1, rttMs: 100 });
  });

  it('takes the clock when the shares claim more than 1.3× what landed meanwhile', () => {
    // 4 fast parts (20 ms, 8 in flight: 2.5 ms each) among others left waiting: 16 KiB/10 ms claimed,
    // while 4 KiB landed over the 100 ms from their first start.
    let landed = landings([0, KiB]);
    let round = newRound(0, 0, 4);
    for (const at of [40, 60, 80, 100]) {
      round = addToRound(round, ack(at, 20, 8), 8);
      landed = addLanding(landed, at, KiB);
    }
    expect(round.startedAt).toBe(20);
    // From 20 to 100: the 4 landings, 4 KiB over 80 ms.
    expect(measureRound(round, landed, 8).throughput).toBeCloseTo((4 * KiB) / 0.08);
  });

  it('uses the figure for parts measured without `inFlight`', () => {
    const round = addToRound(newRound(0, 0, 8), { kind: 'ack', at: 100, bytes: KiB, ms: 100 }, 8);
    expect(round.shareMs).toBe(12.5);
  });
});
