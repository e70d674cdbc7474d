/**
 * The queue of fault rules (FaultInjector in src/emulator/faults.ts): its bound of 1000 rules, and
 * what `pending()` (and so `GET /_emulator/faults`) says about each queued rule.
 */
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../src/emulator/index.js';
import { FaultInjector, type FaultRule } from '../src/emulator/faults.js';

const LIMIT = 1000;

function filled(count: number): FaultInjector {
  const faults = new FaultInjector();
  for (let i = 0; i < count; i++) faults.add({ kind: 'hang', action: 'UploadPart', offset: i });
  return faults;
}

describe('the bound on queued rules', () => {
  it('takes 1000 rules; the 1001st is refused with a RangeError saying the bound, and is not queued', () => {
    const faults = filled(LIMIT - 1);
    faults.add({ kind: 'notJson' });
    expect(faults.pending()).toHaveLength(LIMIT);
    expect(() => faults.add({ kind: 'truncated' })).toThrow(new RangeError('at most 1000 fault rules may be queued'));
    expect(faults.pending()).toHaveLength(LIMIT);
    expect(faults.pending().some((rule) => rule.kind === 'truncated')).toBe(false);
  });

  it('a rule used up or cleared makes room again', () => {
    const faults = filled(LIMIT);
    expect(faults.take(['hang'], 'UploadPart', 0)).toMatchObject({ kind: 'hang', offset: 0 });
    faults.add({ kind: 'truncated' });
    expect(faults.pending()).toHaveLength(LIMIT);
    expect(() => faults.add({ kind: 'truncated' })).toThrow(RangeError);
    faults.clear();
    faults.add({ kind: 'truncated' });
    expect(faults.pending()).toHaveLength(1);
  });

  it('a rule that is wrong is refused for what is wrong, even when the queue is full', () => {
    const faults = filled(LIMIT);
    let error: unknown;
    try {
      faults.add({ kind: 'delay', ms: -1 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(RangeError);
    expect(error).toMatchObject({ issues: [{ path: ['ms'] }] });
  });

  it('the control API answers 400 with the bound when the queue is full', async () => {
    const emulator = createEmulator();
    for (let i = 0; i < LIMIT; i++) emulator.faults.add({ kind: 'hang', offset: i });
    const response = await emulator.handler(
      new Request('http://127.0.0.1:8787/_emulator/faults', { method: 'POST', body: JSON.stringify({ kind: 'notJson' }) }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'at most 1000 fault rules may be queued' });
    expect(emulator.faults.pending()).toHaveLength(LIMIT);
  });

  it('a list that does not fit is queued not at all, in-process and over the control API (all or nothing)', async () => {
    const faults = filled(LIMIT - 1);
    expect(() => faults.addAll([{ kind: 'truncated' }, { kind: 'notJson' }])).toThrow(RangeError);
    expect(faults.pending()).toHaveLength(LIMIT - 1);
    faults.addAll([{ kind: 'truncated' }]);
    expect(faults.pending()).toHaveLength(LIMIT);

    const emulator = createEmulator();
    for (let i = 0; i < LIMIT - 1; i++) emulator.faults.add({ kind: 'hang', offset: i });
    const response = await emulator.handler(
      new Request('http://127.0.0.1:8787/_emulator/faults', {
        method: 'POST',
        body: JSON.stringify([{ kind: 'notJson' }, { kind: 'truncated' }]),
      }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'at most 1000 fault rules may be queued' });
    expect(emulator.faults.pending()).toHaveLength(LIMIT - 1);
  });
});

describe('pending()', () => {
  it('lists each rule as it was queued (after validation), in order, with how many times it will still apply', () => {
    const faults = new FaultInjector();
    const answer: FaultRule = {
      kind: 'answer',
      action: 'UploadPart',
      offset: 524288,
      times: 3,
      code: 6000,
      canRetry: 1,
      message: 'no',
      drain: true,
    };
    faults.add(answer);
    faults.add({ kind: 'stall', ms: 50, readBytes: 1024 });
    faults.add({ kind: 'hang', action: 'FinishUpload', times: Infinity });
    expect(faults.pending()).toEqual([
      { ...answer, left: 3 },
      { kind: 'stall', ms: 50, readBytes: 1024, left: 1 },
      { kind: 'hang', action: 'FinishUpload', times: Infinity, left: Infinity },
    ]);
  });

  it('counts down as the rules apply, and drops a rule once used up', () => {
    const faults = new FaultInjector();
    faults.add({ kind: 'reset', when: 'during', times: 2 });
    faults.add({ kind: 'truncated', action: 'InitUpload' });
    expect(faults.next('UploadPart', 'sha', 0)).toEqual({ kind: 'reset', when: 'during', times: 2 });
    expect(faults.pending()).toEqual([
      { kind: 'reset', when: 'during', times: 2, left: 1 },
      { kind: 'truncated', action: 'InitUpload', left: 1 },
    ]);
    faults.next('UploadPart', 'sha', 0);
    expect(faults.pending()).toEqual([{ kind: 'truncated', action: 'InitUpload', left: 1 }]);
  });

  it('gives copies: changing what it returned changes nothing queued', () => {
    const faults = new FaultInjector();
    faults.add({ kind: 'delay', ms: 10, times: 2 });
    const [listed] = faults.pending();
    if (listed?.kind !== 'delay') throw new Error('expected the delay rule');
    listed.left = 0;
    listed.ms = 99;
    expect(faults.pending()).toEqual([{ kind: 'delay', ms: 10, times: 2, left: 2 }]);
  });

  it('GET /_emulator/faults lists the same rules (Infinity as null in JSON)', async () => {
    const emulator = createEmulator();
    emulator.faults.add({ kind: 'http', status: 502, body: 'bad gateway', action: 'InitUpload' });
    emulator.faults.add({ kind: 'dataSize', dataSize: 1048576, times: Infinity });
    const response = await emulator.handler(new Request('http://127.0.0.1:8787/_emulator/faults'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      rules: [
        { kind: 'http', status: 502, body: 'bad gateway', action: 'InitUpload', left: 1 },
        { kind: 'dataSize', dataSize: 1048576, times: null, left: null },
      ],
    });
  });
});
