/**
 * Fault plans (src/emulator/fault-plan.ts): what a SPEC or a plan object accepts, its defaults
 * and bounds, and draws that depend only on the seed and the request, the same from one release
 * to the next (a seed in a bug report reproduces its faults).
 */
import { describe, expect, it } from 'vitest';
import { FaultDraw, PLAN_KINDS, parseFaultPlan } from '../src/emulator/fault-plan.js';
import { thrownArgumentError } from './helpers/thrown.js';

const thrown = thrownArgumentError;

describe('parseFaultPlan', () => {
  it('defaults: seed 1, stall 2000 ms, latency 100 ms, every action, no fault', () => {
    const defaults = { seed: 1, rates: {}, stallMs: 2000, latencyMs: 100, actions: ['InitUpload', 'UploadPart', 'FinishUpload'] };
    expect(parseFaultPlan('')).toEqual(defaults);
    expect(parseFaultPlan({ rates: {} })).toEqual(defaults);
  });

  it('probabilities: 0, 1, 1.0, .5 and 0.25 in a SPEC, any number from 0 to 1 in an object', () => {
    expect(parseFaultPlan('early=0,stall=1.0').rates).toEqual({ early: 0, stall: 1 });
    expect(parseFaultPlan('early=.5,stall=0.25').rates).toEqual({ early: 0.5, stall: 0.25 });
    expect(parseFaultPlan('retry=1').rates).toEqual({ retry: 1 });
    expect(parseFaultPlan('retry=1.00').rates).toEqual({ retry: 1 });
    expect(parseFaultPlan({ rates: { early: 0, stall: 1 } }).rates).toEqual({ early: 0, stall: 1 });
    for (const bad of ['1.5', '01', '2', 'x', '-0.1', '0.5x', 'x0.5', '1.01'])
      expect(thrown(() => parseFaultPlan(`early=${bad}`)).message, bad).toMatch(
        /^Invalid faults early: expected a probability from 0 to 1/,
      );
    for (const bad of [-0.01, 1.01, Number.NaN])
      expect(thrown(() => parseFaultPlan({ rates: { early: bad } })).parameter, String(bad)).toBe('faults early');
  });

  it('waits: whole ms from 0 to 600000', () => {
    expect(parseFaultPlan('stall-ms=0,latency-ms=600000')).toMatchObject({ stallMs: 0, latencyMs: 600000 });
    expect(parseFaultPlan({ rates: {}, stallMs: 600000, latencyMs: 0 })).toMatchObject({ stallMs: 600000, latencyMs: 0 });
    for (const bad of ['600001', '1.5', '-1', 'x5', '5x', '1234567'])
      expect(thrown(() => parseFaultPlan(`stall-ms=${bad}`)).message, bad).toMatch(
        /^Invalid faults stall-ms: expected whole ms from 0 to 600000/,
      );
    for (const bad of [1.5, -1, 600001])
      expect(thrown(() => parseFaultPlan({ rates: {}, latencyMs: bad })).parameter).toBe('faults latencyMs');
    expect(thrown(() => parseFaultPlan({ rates: {}, stallMs: -1 })).parameter).toBe('faults stallMs');
  });

  it('seeds: integers from 0 to 4294967295', () => {
    expect(parseFaultPlan('seed=0').seed).toBe(0);
    expect(parseFaultPlan('seed=4294967295').seed).toBe(4294967295);
    expect(parseFaultPlan({ rates: {}, seed: 4294967295 }).seed).toBe(4294967295);
    for (const bad of ['4294967296', '12345678901', 'x1', '1x', '1.5'])
      expect(thrown(() => parseFaultPlan(`seed=${bad}`)).message, bad).toMatch(
        /^Invalid faults seed: expected an integer from 0 to 4294967295/,
      );
    for (const bad of [-1, 1.5, 4294967296]) expect(thrown(() => parseFaultPlan({ rates: {}, seed: bad })).parameter).toBe('faults seed');
  });

  it('items are trimmed, empty ones skipped; actions are deduplicated and checked', () => {
    const plan = parseFaultPlan(' seed=7 ,, early=0.5 , actions=UploadPart+UploadPart ');
    expect(plan).toEqual({ seed: 7, rates: { early: 0.5 }, stallMs: 2000, latencyMs: 100, actions: ['UploadPart'] });
    expect(parseFaultPlan({ rates: {}, actions: ['FinishUpload', 'FinishUpload'] }).actions).toEqual(['FinishUpload']);
    expect(thrown(() => parseFaultPlan('actions=UploadPart+Delete')).message).toMatch(
      /^Invalid faults actions: expected InitUpload, UploadPart or FinishUpload joined by \+, got "Delete"/,
    );
  });

  it('bad SPECs say what is expected', () => {
    expect(thrown(() => parseFaultPlan(`seed=1,${'x'.repeat(1000)}`)).message).toMatch(
      /^Invalid faults: expected a SPEC of at most 1000 characters/,
    );
    expect(parseFaultPlan(`seed=1${' '.repeat(994)}`).seed).toBe(1);
    expect(thrown(() => parseFaultPlan('seed')).message).toMatch(
      /^Invalid faults: expected comma-separated name=value pairs, like "seed=7,all=0.2"/,
    );
    expect(thrown(() => parseFaultPlan('x=1=2')).message).toMatch(
      /^Invalid faults: expected seed, all, stall-ms, latency-ms, actions or a kind \(retry, 4400,/,
    );
    expect(thrown(() => parseFaultPlan('=1')).message).toMatch(/^Invalid faults: expected comma-separated name=value pairs/);
    expect(thrown(() => parseFaultPlan({ rates: { boom: 1 } as never })).message).toMatch(
      /^Invalid faults\.rates: expected kinds among retry, 4400,/,
    );
  });

  it('all spreads over the kinds not named; the sum may reach 1 (float error aside), not pass it', () => {
    const spread = parseFaultPlan('all=1');
    expect(Object.keys(spread.rates).sort()).toEqual([...PLAN_KINDS].sort());
    for (const kind of PLAN_KINDS) expect(spread.rates[kind]).toBe(1 / PLAN_KINDS.length);
    const named = Object.fromEntries(PLAN_KINDS.map((kind) => [kind, 0.05]));
    expect(parseFaultPlan({ rates: named }).rates).toEqual(named);
    const every = PLAN_KINDS.map((kind) => `${kind}=0.05`).join(',');
    expect(parseFaultPlan(`${every},all=0.3`).rates).toEqual(named);
    expect(thrown(() => parseFaultPlan('early=0.7,stall=0.4')).message).toBe(
      'Invalid faults: expected probabilities that add up to at most 1, got 1.1',
    );
    expect(parseFaultPlan({ rates: { early: 0.7, stall: 0.3 + 1e-10 } }).rates.early).toBe(0.7);
  });
});

describe('FaultDraw', () => {
  it('draws are pinned by the seed and the request, whatever else was drawn', () => {
    const draw = new FaultDraw(parseFaultPlan('seed=7,all=0.9'));
    const drawn = Array.from({ length: 16 }, (_, i) => draw.draw('UploadPart', `sha${i % 4}`, (i % 2) * 524288) ?? '-');
    expect(drawn).toEqual([
      'reset-before', '-', '4500', '-', 'reset-before', '6000', 'latency', 'stall',
      'early', '-', 'retry', 'truncated', 'not-json', '6000', '4500', 'reset-after',
    ]); // biome-ignore format: one row per 8 draws
    const finish = new FaultDraw(parseFaultPlan('seed=7,all=0.9'));
    expect(Array.from({ length: 4 }, () => finish.draw('FinishUpload', 'abc', undefined) ?? '-')).toEqual([
      'not-json',
      'reset-during',
      '4400',
      'early',
    ]);
  });

  it('actions not in the plan are never faulted', () => {
    const draw = new FaultDraw(parseFaultPlan('early=1,actions=UploadPart'));
    expect(draw.draw('InitUpload', 'a', undefined)).toBeUndefined();
    expect(draw.draw('FinishUpload', 'a', undefined)).toBeUndefined();
    expect(draw.draw('UploadPart', 'a', 0)).toBe('early');
  });
});
