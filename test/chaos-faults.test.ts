/**
 * Seeded fault injection in the emulator: the SPEC grammar, determinism of the draw, and what
 * each kind does to a real HTTP request (a connection reset is a real TCP reset on Node).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, parseFaultPlan, PLAN_KINDS, startEmulator } from '../src/emulator/index.js';
import { FaultDraw } from '../src/emulator/fault-plan.js';
import { runEmulatorCommand, UsageError } from '../src/cli/emulator-command.js';
import { VodArgumentError } from '../src/protocol/index.js';
import { call, initParams, makeFile, partsOf, sendPart, signedUrl } from './helpers/emulator-client.js';

const emu = await startEmulator({ port: 0 });
afterAll(() => emu.close());
beforeEach(() => {
  emu.emulator.faults.clear();
  emu.emulator.log.clear();
});

const KiB = 1024;

describe('fault plan SPEC', () => {
  it('parses kinds, seed, waits and actions; `all` spreads over the kinds not named', () => {
    const plan = parseFaultPlan('seed=7,early=0.04,all=0.16,stall-ms=1500,latency-ms=30,actions=UploadPart+FinishUpload');
    expect(plan).toMatchObject({ seed: 7, stallMs: 1500, latencyMs: 30, actions: ['UploadPart', 'FinishUpload'] });
    expect(plan.rates.early).toBe(0.04);
    expect(plan.rates['reset-during']).toBeCloseTo(0.16 / (PLAN_KINDS.length - 1));
    expect(Object.values(plan.rates).reduce((a, b) => a + b, 0)).toBeCloseTo(0.2);
  });

  it.each([
    ['seed=-1', 'faults seed'],
    ['seed=7,all=2', 'faults all'],
    ['reset=0.1', 'faults'],
    ['early=0.6,stall=0.6', 'faults'],
    ['stall-ms=9999999', 'faults stall-ms'],
    ['actions=Delete', 'faults actions'],
    ['seed', 'faults'],
  ])('refuses %j naming %s', (spec, parameter) => {
    const error = (() => {
      try {
        parseFaultPlan(spec);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(VodArgumentError);
    expect(error).toMatchObject({ parameter });
  });

  it('the README example parses and faults about the share it says', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const spec = /--faults '([^']+)'/.exec(readme)?.[1];
    expect(spec).toBeDefined();
    const plan = parseFaultPlan(spec!);
    const total = Object.values(plan.rates).reduce((a, b) => a + b, 0);
    const draw = new FaultDraw(plan);
    let faulted = 0;
    for (let i = 0; i < 20_000; i++) if (draw.draw('UploadPart', `sha${i}`, 0) !== undefined) faulted++;
    expect(faulted / 20_000).toBeGreaterThan(total - 0.02);
    expect(faulted / 20_000).toBeLessThan(total + 0.02);
  });

  it('draws the same faults for the same seed in any arrival order, others for another seed', () => {
    const plan = parseFaultPlan('seed=11,all=0.5');
    const requests = Array.from({ length: 200 }, (_, i) => ({ sha: `s${i % 20}`, offset: (i % 7) * 524288 }));
    const drawAll = (order: typeof requests, seed = plan.seed) => {
      const draw = new FaultDraw({ ...plan, seed });
      const seen = new Map<string, (string | undefined)[]>();
      for (const { sha, offset } of order) {
        const key = `${sha}|${offset}`;
        seen.set(key, [...(seen.get(key) ?? []), draw.draw('UploadPart', sha, offset)]);
      }
      return Object.fromEntries([...seen].sort(([a], [b]) => a.localeCompare(b)));
    };
    const forward = drawAll(requests);
    expect(drawAll([...requests].reverse().reverse())).toEqual(forward);
    // Interleaved differently, the n-th sighting of each request still gets the same fault.
    const shuffled = [...requests].sort((a, b) => a.sha.localeCompare(b.sha));
    expect(drawAll(shuffled)).toEqual(forward);
    expect(drawAll(requests, 12)).not.toEqual(forward);
  });

  it('the option takes a plan object, and a bad one is a VodArgumentError', () => {
    expect(createEmulator({ faults: { seed: 3, rates: { early: 1 } } }).faults.plan).toMatchObject({ seed: 3, rates: { early: 1 } });
    expect(() => createEmulator({ faults: { rates: { boom: 1 } as never } })).toThrow(VodArgumentError);
    expect(() => createEmulator({ faults: 'seed=x' })).toThrow(/faults seed/);
  });

  it('`vod-upload emulator --faults` refuses a bad SPEC as a usage error (exit 2)', async () => {
    const io = { out: () => {}, err: () => {}, stopSignal: () => new Promise<string>(() => {}) };
    await expect(runEmulatorCommand(['--faults', 'early=2'], io)).rejects.toSatisfy(
      (error) => error instanceof UsageError && error.exitCode === 2 && /--faults: Invalid faults early/.test(error.message),
    );
  });
});

async function withPlan(
  kind: (typeof PLAN_KINDS)[number],
  extra = '',
): Promise<{ endpoint: string; log: () => ReturnType<typeof emu.emulator.log.entries>; close: () => Promise<void> }> {
  const running = await startEmulator({ port: 0, faults: `seed=1,${kind}=1,actions=UploadPart${extra}` });
  return { endpoint: running.endpoint, log: () => running.emulator.log.entries(), close: () => running.close() };
}

describe('fault kinds over real HTTP (Node server)', () => {
  const size = 512 * KiB;
  const file = makeFile(size);

  const outcomeWith = async (kind: (typeof PLAN_KINDS)[number], extra = '') => {
    const planned = await withPlan(kind, extra);
    try {
      expect((await call(planned.endpoint, 'InitUpload', initParams(file, size))).answer.code).toBe(0);
      const started = performance.now();
      let outcome: { status?: number; text?: string; error?: string };
      try {
        const sent = await sendPart(planned.endpoint, file, 0, size);
        outcome = { status: sent.status, text: sent.text };
      } catch (error) {
        outcome = { error: String((error as { cause?: { code?: string } }).cause?.code ?? error) };
      }
      const finish = await call(planned.endpoint, 'FinishUpload', { fileSha: file.fileSha });
      return { ...outcome, ms: performance.now() - started, finishCode: finish.answer.code, entries: planned.log() };
    } finally {
      await planned.close();
    }
  };

  it.each([
    ['retry', -10004],
    ['4400', 4400],
    ['4500', 4500],
    ['6000', 6000],
    ['early', 4500],
  ] as const)('%s answers code %i with canRetry 1, the part is not stored', async (kind, code) => {
    const result = await outcomeWith(kind);
    expect(JSON.parse(result.text!)).toMatchObject({ code, canRetry: 1 });
    expect(result.finishCode).toBe(-10003);
    expect(result.entries.find((entry) => entry.action === 'UploadPart')).toMatchObject({ fault: kind, code });
  });

  it('html5xx answers a 502 HTML page; not-json a 200 that is not JSON', async () => {
    const html = await outcomeWith('html5xx');
    expect(html.status).toBe(502);
    expect(html.text).toMatch(/^<!DOCTYPE html>/);
    const plain = await outcomeWith('not-json');
    expect(plain.status).toBe(200);
    expect(() => JSON.parse(plain.text!)).toThrow();
  });

  it.each([
    ['reset-before', -10003],
    ['reset-during', -10003],
    ['reset-after', 0],
  ] as const)('%s resets the connection (Finish then answers %i: only "after" stored the part)', async (kind, finishCode) => {
    const result = await outcomeWith(kind);
    expect(result.error).toMatch(/ECONNRESET|EPIPE|UND_ERR_SOCKET|other side closed/);
    expect(result.finishCode).toBe(finishCode);
  });

  it('stall holds the request for stall-ms, then resets it', async () => {
    const result = await outcomeWith('stall', ',stall-ms=300');
    expect(result.error).toMatch(/ECONNRESET|UND_ERR_SOCKET|other side closed/);
    expect(result.ms).toBeGreaterThanOrEqual(290);
  });

  it('truncated does the work and sends half of the JSON answer; latency only waits', async () => {
    const cut = await outcomeWith('truncated');
    expect(cut.status).toBe(200);
    expect(cut.text).toBe('{"code":0,"message":"part stored","codeDesc":"Success","canRetry":0}'.slice(0, 34));
    expect(cut.finishCode).toBe(0);
    const slow = await outcomeWith('latency', ',latency-ms=200');
    expect(JSON.parse(slow.text!)).toMatchObject({ code: 0 });
    expect(slow.ms).toBeGreaterThanOrEqual(190);
  });

  it('rules of the new kinds queue through the control API and come before the plan', async () => {
    const many = makeFile(3 * size);
    expect((await call(emu.endpoint, 'InitUpload', initParams(many, size))).answer.code).toBe(0);
    const queued = await fetch(`${emu.origin}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify([
        { action: 'UploadPart', offset: 0, kind: 'reset', when: 'during' },
        { action: 'UploadPart', offset: size, kind: 'notJson' },
        { action: 'UploadPart', offset: 2 * size, kind: 'answer', code: 6000, canRetry: 1, drain: true },
      ]),
    });
    expect(queued.status).toBe(200);
    const outcomes = [];
    for (const part of partsOf(many.fileSize, size)) {
      try {
        outcomes.push((await sendPart(emu.endpoint, many, part.offset, part.dataSize)).text.slice(0, 12));
      } catch {
        outcomes.push('reset');
      }
    }
    expect(outcomes).toEqual(['reset', 'OK', '{"code":6000']);
    expect(emu.emulator.faults.pending()).toEqual([]);
    expect(
      emu.emulator.log
        .entries()
        .map((entry) => entry.fault)
        .filter(Boolean),
    ).toEqual(['reset', 'notJson', 'answer']);
  });

  it('a bare handler (workerd, Deno, Bun) cannot reset a socket: the answer body errors, so its server aborts the answer', async () => {
    const bare = createEmulator({ faults: 'seed=1,reset-before=1,actions=InitUpload' });
    const response = await bare.handler(
      new Request(await signedUrl('http://127.0.0.1:8787/v2/index.php', 'InitUpload', initParams(file, size)), { method: 'POST' }),
    );
    await expect(response.text()).rejects.toThrow();
    expect(bare.log.entries()).toMatchObject([{ action: 'InitUpload', fault: 'reset-before', code: null }]);
  });

  it('an early answer goes out while the body is still being sent', async () => {
    const big = makeFile(1024 * KiB);
    const planned = await withPlan('early');
    try {
      await call(planned.endpoint, 'InitUpload', initParams(big, 1024 * KiB));
      let pulled = 0;
      let answered = false;
      // A body that only finishes after the answer arrived proves the answer did not wait for it.
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (pulled >= big.fileSize) return controller.close();
          if (pulled >= big.fileSize / 2) for (let i = 0; i < 200 && !answered; i++) await new Promise((r) => setTimeout(r, 10));
          controller.enqueue(big.bytes.slice(pulled, pulled + 64 * KiB));
          pulled += 64 * KiB;
        },
      });
      const url = await signedUrl(planned.endpoint, 'UploadPart', {
        fileSha: big.fileSha,
        offset: 0,
        dataSize: big.fileSize,
        dataMd5: 'x'.repeat(32),
      });
      const response = await fetch(url, { method: 'POST', body, duplex: 'half' } as RequestInit);
      answered = true;
      expect(pulled).toBeLessThan(big.fileSize);
      expect(await response.json()).toMatchObject({ code: 4500, canRetry: 1 });
    } finally {
      await planned.close();
    }
  });
});
