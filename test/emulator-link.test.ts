/**
 * The emulated link (`latency`, `bandwidth`) and the per-run count of TCP connections: real
 * uploads over HTTP. Times are only bounded from below (a loaded machine is slower, never faster).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runEmulatorCommand, UsageError } from '../src/cli/emulator-command.js';
import { createLink } from '../src/emulator/link.js';
import { parseBandwidth, parseLatency } from '../src/emulator/link-spec.js';
import { VodArgumentError } from '../src/protocol/index.js';
import { uploadWithClient as upload } from '../src/engine.js';
import { call, initParams, makeFile, partsOf, sendPart } from './helpers/emulator-client.js';
import { countingHasher, makeClient, randomFile, settle, startEmulator, type RunningEmulator } from './helpers/upload-stack.js';

const KiB = 1024;
const MiB = 1048576;
let running: RunningEmulator | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('link specs', () => {
  it('reads MS and MS:JITTER, and rates in binary units with or without /s', () => {
    expect(parseLatency('50')).toEqual({ latencyMs: 50, jitterMs: 0 });
    expect(parseLatency('20:10')).toEqual({ latencyMs: 20, jitterMs: 10 });
    expect(parseLatency(7)).toEqual({ latencyMs: 7 });
    expect(parseBandwidth('20MB/s')).toBe(20 * MiB);
    expect(parseBandwidth('512kb')).toBe(512 * KiB);
    expect(parseBandwidth(1000)).toBe(1000);
  });

  it('takes spaces around the numbers, decimals, up to 6 digits, and any case of the unit and /s', () => {
    expect(parseLatency(' 20 : 10 ')).toEqual({ latencyMs: 20, jitterMs: 10 });
    expect(parseLatency('2.25:0.25')).toEqual({ latencyMs: 2.25, jitterMs: 0.25 });
    expect(parseLatency('123456:654321')).toEqual({ latencyMs: 123456, jitterMs: 654321 });
    expect(parseBandwidth(' 20mb/S ')).toBe(20 * MiB);
    expect(parseBandwidth('1.25 MB')).toBe(1.25 * MiB);
    expect(parseBandwidth('1')).toBe(1);
    expect(parseBandwidth('1b/s')).toBe(1);
    expect(parseBandwidth(1)).toBe(1);
  });

  it('refuses rates under 1 byte per second, numbers that are not finite, a sign, and /s anywhere but at the end', () => {
    for (const bad of ['0.5', '0.9b/s', '2/sMB', '+2MB/s', 0.5, 0, Number.POSITIVE_INFINITY, Number.NaN])
      expect(() => parseBandwidth(bad), String(bad)).toThrow(/Invalid bandwidth: expected a rate like 20MB\/s/);
    for (const bad of ['1234567', '1:1234567', '1.', '.5', '5 5'])
      expect(() => parseLatency(bad), bad).toThrow(/Invalid latency: expected MS or MS:JITTER in milliseconds, like 50 or 20:10/);
  });

  it('refuses bad specs with a VodArgumentError naming the option', () => {
    for (const bad of ['', 'fast', '-5', '5:', '5:x', '1:2:3'])
      expect(() => parseLatency(bad), bad).toThrow(/Invalid latency: expected MS or MS:JITTER/);
    for (const bad of ['', 'fast', '-1MB/s', '0', 'MB/s', '20MB/h'])
      expect(() => parseBandwidth(bad), bad).toThrow(/Invalid bandwidth: expected a rate like 20MB\/s/);
    expect(() => createLink({ latencyMs: -1 })).toThrow(VodArgumentError);
    expect(() => createLink({ bytesPerSecond: 0 })).toThrow(/Invalid bytesPerSecond/);
    expect(createLink({})).toBeUndefined();
  });

  it('`vod-upload emulator` refuses a bad --latency or --bandwidth as a usage error (exit 2)', async () => {
    const io = { out: () => {}, err: () => {}, stopSignal: () => new Promise<string>(() => {}) };
    await expect(runEmulatorCommand(['--latency', '50ms'], io)).rejects.toSatisfy(
      (error) => error instanceof UsageError && error.exitCode === 2 && /^--latency: expected MS or MS:JITTER/.test(error.message),
    );
    await expect(runEmulatorCommand(['--bandwidth', 'fast'], io)).rejects.toSatisfy(
      (error) => error instanceof UsageError && error.exitCode === 2 && /^--bandwidth: expected a rate/.test(error.message),
    );
  });

  it('`vod-upload emulator --latency --bandwidth` serves through the link and says so', async () => {
    const lines: string[] = [];
    let stop: (signal: string) => void = () => {};
    const io = {
      out: (line: string) => lines.push(line),
      err: () => {},
      stopSignal: () => new Promise<string>((resolve) => (stop = resolve)),
    };
    const exit = runEmulatorCommand(['--port', '0', '--latency', '150', '--bandwidth', '20MB/s'], io);
    for (let i = 0; i < 200 && !lines.some((line) => line.startsWith('export VOD_ENDPOINT=')); i++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    const endpoint = lines.find((line) => line.startsWith('export VOD_ENDPOINT='))!.slice('export VOD_ENDPOINT='.length);
    expect(lines).toContain('  link:    latency 150 ms, bandwidth 20MB/s (emulated; connections counted in the log)');
    const file = makeFile(1000);
    const started = performance.now();
    expect((await call(endpoint, 'InitUpload', initParams(file, 524288))).answer.code).toBe(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    stop('SIGTERM');
    expect(await exit).toBe(0);
  });
});

describe('latency and bandwidth over HTTP', () => {
  it('every protocol answer waits at least the latency less the jitter; the control API does not wait', async () => {
    running = await startEmulator({ port: 0, latency: '120:40', linkSeed: 5 });
    for (let i = 0; i < 3; i++) {
      const file = makeFile(3000);
      const started = performance.now();
      const { answer } = await call(running.endpoint, 'InitUpload', initParams(file, 524288));
      expect(answer.code).toBe(0);
      expect(performance.now() - started).toBeGreaterThanOrEqual(78);
    }
    const started = performance.now();
    expect((await fetch(`${running.origin}/_emulator/health`)).status).toBe(200);
    // A loose upper bound on purpose: the control API adds no latency, but the machine may be slow.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('request bodies share one bandwidth: two 1 MiB parts at once at 4 MiB/s take at least ~0.45 s', async () => {
    running = await startEmulator({ port: 0, bandwidth: '4MB/s' });
    const file = makeFile(2 * MiB);
    expect((await call(running.endpoint, 'InitUpload', initParams(file, MiB))).answer.code).toBe(0);
    const started = performance.now();
    const answers = await Promise.all(
      partsOf(file.fileSize, MiB).map((part) => sendPart(running!.endpoint, file, part.offset, part.dataSize)),
    );
    const elapsed = performance.now() - started;
    expect(answers.map((sent) => sent.answer.code)).toEqual([0, 0]);
    // 2 MiB at 4 MiB/s is 500 ms, less the bucket's 50 ms burst.
    expect(elapsed).toBeGreaterThanOrEqual(440);
    expect(running.emulator.log.bytesReceived).toBe(2 * MiB);
  });
});

describe('connections per run', () => {
  it('a 64-part upload at concurrency 4 opens at most 4 + 2 TCP connections (kept alive), counted per run', async () => {
    running = await startEmulator({ port: 0 });
    const size = 64 * 512 * KiB;
    const result = await upload(randomFile(size), {
      client: makeClient(running),
      hasher: countingHasher(),
      partSize: 524288,
      concurrency: 4,
    }).done;
    expect(result.fileId).toMatch(/^\d+$/);
    await settle(running);
    const summary = running.emulator.log.summary();
    expect(summary.counts['UploadPart:0']).toBe(64);
    expect(summary.connections).toBeGreaterThanOrEqual(1);
    expect(summary.connections).toBeLessThanOrEqual(4 + 2);
    const remote = (await (await fetch(`${running.origin}/_emulator/log?entries=0`)).json()) as { connections: number };
    expect(remote.connections).toBeGreaterThanOrEqual(summary.connections);
    running.emulator.log.clear();
    expect(running.emulator.log.summary().connections).toBe(0);
  });

  it('counts a new connection for each request that asks to close it (what reuse saves)', async () => {
    running = await startEmulator({ port: 0 });
    for (let i = 0; i < 3; i++)
      await call(running.endpoint, 'InitUpload', initParams(makeFile(1000), 524288), { headers: { Connection: 'close' } });
    expect(running.emulator.log.summary().connections).toBe(3);
  });
});
