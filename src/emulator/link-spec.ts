/**
 * The emulated link as people write it: `--latency 50` or `50:10` (ms, ± jitter ms) and
 * `--bandwidth 20MB/s`. Rates are read by the `bytes` library, whose units are binary
 * (1 MB = 1024 × 1024 bytes); a bare number is bytes per second.
 */
import bytes from 'bytes';
import { VodArgumentError } from '../protocol/index.js';
import type { LinkOptions } from './link.js';

/** `MS` or `MS:JITTER` (or a number of ms) → the latency and jitter of a link. */
export function parseLatency(spec: string | number): Pick<LinkOptions, 'latencyMs' | 'jitterMs'> {
  if (typeof spec === 'number') return { latencyMs: spec };
  const match = typeof spec === 'string' ? /^\s*(\d{1,6}(?:\.\d+)?)\s*(?::\s*(\d{1,6}(?:\.\d+)?)\s*)?$/.exec(spec) : null;
  if (!match) throw new VodArgumentError('latency', 'MS or MS:JITTER in milliseconds, like 50 or 20:10', spec);
  return { latencyMs: Number(match[1]), jitterMs: match[2] === undefined ? 0 : Number(match[2]) };
}

/** `20MB/s`, `512kb`, `1gb/s` (or a number of bytes per second) → bytes per second. */
export function parseBandwidth(spec: string | number): number {
  const text = typeof spec === 'string' ? spec.trim().replace(/\/s$/i, '') : spec;
  const value = typeof text === 'number' ? text : /^\d+(\.\d+)?\s*([kmgtp]?b)?$/i.test(text) ? bytes.parse(text) : null;
  if (value === null || !Number.isFinite(value) || value < 1) {
    throw new VodArgumentError('bandwidth', 'a rate like 20MB/s, 512KB/s or a number of bytes per second', spec);
  }
  return value;
}
