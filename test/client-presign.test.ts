import { describe, expect, it } from 'vitest';
import { createPresignCache, PRESIGN_MAX_AGE_MS, presignKey } from '../src/client/presign.js';

describe('presign cache', () => {
  it('gives each set once, and only while fresh (up to and including maxAge)', () => {
    const cache = createPresignCache(1000, 8);
    cache.put('a', { Nonce: '1' }, 5000);
    expect(cache.size).toBe(1);
    expect(cache.take('a', 6000)).toEqual({ Nonce: '1' });
    expect(cache.take('a', 6000)).toBeUndefined();
    cache.put('b', { Nonce: '2' }, 5000);
    expect(cache.take('b', 6001)).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.take('missing', 0)).toBeUndefined();
  });

  it('drops the oldest set when full, and a set put again counts as new', () => {
    const cache = createPresignCache(1000, 2);
    cache.put('a', { Nonce: '1' }, 0);
    cache.put('b', { Nonce: '2' }, 0);
    cache.put('a', { Nonce: '3' }, 0);
    expect(cache.size).toBe(2);
    cache.put('c', { Nonce: '4' }, 0);
    expect(cache.size).toBe(2);
    expect(cache.take('b', 0)).toBeUndefined();
    expect(cache.take('a', 0)).toEqual({ Nonce: '3' });
    expect(cache.take('c', 0)).toEqual({ Nonce: '4' });
  });

  it('defaults to two minutes, far inside the 300 s window', () => {
    const cache = createPresignCache();
    cache.put('a', {}, 0);
    expect(cache.take('a', PRESIGN_MAX_AGE_MS)).toEqual({});
    cache.put('a', {}, 0);
    expect(cache.take('a', PRESIGN_MAX_AGE_MS + 1)).toBeUndefined();
  });

  it('keys a part by every protocol parameter', () => {
    const part = { fileSha: 's', offset: '0', dataSize: '5', dataMd5: 'm', Nonce: '9' };
    expect(presignKey(part)).toBe('["s","0","5","m"]');
    expect(presignKey({ ...part, Nonce: '10' })).toBe(presignKey(part));
  });
});
