/**
 * The emulator's request log (src/emulator/log.ts) on its own: counts by action and by code,
 * the kept entries as copies, parts and requests in flight, clear(), settled() and summary().
 */
import { describe, expect, it } from 'vitest';
import { type LogEntry, RequestLog } from '../src/emulator/log.js';

const entry = (action: LogEntry['action'], code: number | null, extra: Partial<LogEntry> = {}): LogEntry => ({
  time: 1,
  action,
  secretId: 'id',
  fileSha: 'sha',
  code,
  ...extra,
});

describe('RequestLog', () => {
  it('counts all requests, those of an action, and those of an action with one code (null included)', () => {
    const log = new RequestLog();
    expect(log.count()).toBe(0);
    expect(log.count('UploadPart')).toBe(0);
    log.add(entry('UploadPart', 0));
    log.add(entry('UploadPart', 0));
    log.add(entry('UploadPart', 1));
    log.add(entry('InitUpload', null));
    log.add(entry(null, 4000));
    expect(log.count()).toBe(5);
    expect(log.count('UploadPart')).toBe(3);
    expect(log.count('UploadPart', 0)).toBe(2);
    expect(log.count('UploadPart', 1)).toBe(1);
    expect(log.count('UploadPart', 2)).toBe(0);
    expect(log.count('InitUpload', null)).toBe(1);
    expect(log.count('InitUpload', 0)).toBe(0);
    expect(log.summary().counts).toEqual({
      UploadPart: 3,
      'UploadPart:0': 2,
      'UploadPart:1': 1,
      InitUpload: 1,
      'InitUpload:null': 1,
      unknown: 1,
      'unknown:4000': 1,
    });
  });

  it('keeps the latest 20000 entries, oldest first, as copies; counts cover them all', () => {
    const log = new RequestLog();
    for (let i = 0; i < 20_005; i += 1) log.add(entry('UploadPart', 0, { offset: i }));
    const kept = log.entries();
    expect(kept).toHaveLength(20_000);
    expect(kept[0]!.offset).toBe(5);
    expect(kept.at(-1)!.offset).toBe(20_004);
    expect(log.count()).toBe(20_005);
    kept[0]!.offset = -1;
    expect(log.entries()[0]!.offset).toBe(5);
  });

  it('keeps the most parts in flight at once; clear() forgets all but what is in flight now', () => {
    const log = new RequestLog();
    log.partStarted();
    log.partStarted();
    log.partEnded();
    log.partStarted();
    log.partStarted();
    expect([log.partsInFlight, log.maxPartsInFlight]).toEqual([3, 3]);
    log.partEnded();
    log.partEnded();
    expect([log.partsInFlight, log.maxPartsInFlight]).toEqual([1, 3]);
    // A part that starts below the maximum leaves it.
    log.partStarted();
    expect([log.partsInFlight, log.maxPartsInFlight]).toEqual([2, 3]);
    log.partEnded();
    log.add(entry('UploadPart', 0));
    log.bytesReceived = 10;
    log.connectionOpened();
    log.connectionOpened();
    expect(log.connections).toBe(2);
    log.requestStarted();
    log.clear();
    expect(log.summary()).toEqual({
      counts: {},
      total: 0,
      maxPartsInFlight: 1,
      partsInFlight: 1,
      requestsInFlight: 1,
      bytesReceived: 0,
      connections: 0,
      entries: [],
    });
    expect(log.count('UploadPart')).toBe(0);
  });

  it('settled() resolves at once when idle, else when the last request in flight ends', async () => {
    const log = new RequestLog();
    await log.settled();
    log.requestStarted();
    log.requestStarted();
    let woke = 0;
    const first = log.settled().then(() => (woke += 1));
    const second = log.settled().then(() => (woke += 1));
    log.requestEnded();
    await Promise.resolve();
    await Promise.resolve();
    expect(woke).toBe(0);
    expect(log.requestsInFlight).toBe(1);
    log.requestEnded();
    await Promise.all([first, second]);
    expect(woke).toBe(2);
    // Waiters are woken once: a later request and its end find none left.
    log.requestStarted();
    const third = log.settled().then(() => (woke += 1));
    log.requestEnded();
    await third;
    expect(woke).toBe(3);
  });

  it('summary() is a JSON-friendly copy of everything', () => {
    const log = new RequestLog();
    log.add(entry('FinishUpload', 0, { traceId: 't' }));
    log.bytesReceived = 7;
    log.partStarted();
    log.requestStarted();
    log.connectionOpened();
    const summary = log.summary();
    expect(summary).toEqual({
      counts: { FinishUpload: 1, 'FinishUpload:0': 1 },
      total: 1,
      maxPartsInFlight: 1,
      partsInFlight: 1,
      requestsInFlight: 1,
      bytesReceived: 7,
      connections: 1,
      entries: [entry('FinishUpload', 0, { traceId: 't' })],
    });
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });
});
