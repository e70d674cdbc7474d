import { describe, expect, it } from 'vitest';
import { answerEnvelope, initUploadResume, listedPart } from '../src/protocol/index.js';

const md5 = 'c'.repeat(32);

describe('answer schemas', () => {
  it('canRetry is true for 1 and true only, and false when absent', () => {
    const canRetry = (value: unknown) => answerEnvelope.parse({ code: 0, canRetry: value }).canRetry;
    expect(canRetry(1)).toBe(true);
    expect(canRetry(true)).toBe(true);
    expect(canRetry(0)).toBe(false);
    expect(canRetry(false)).toBe(false);
    expect(answerEnvelope.parse({ code: 0 })).toEqual({ code: 0, message: '', codeDesc: '', canRetry: false });
    expect(answerEnvelope.safeParse({ code: 0, canRetry: 2 }).success).toBe(false);
  });

  it('a listed part takes dataSize or dataLen, dataSize first, and refuses neither', () => {
    expect(listedPart.parse({ offset: 0, dataSize: 5, dataMd5: md5 })).toEqual({ offset: 0, dataSize: 5, dataMd5: md5 });
    expect(listedPart.parse({ offset: 5, dataLen: 7, dataMd5: md5 })).toEqual({ offset: 5, dataSize: 7, dataMd5: md5 });
    expect(listedPart.parse({ offset: 5, dataSize: 3, dataLen: 7, dataMd5: md5 })).toEqual({ offset: 5, dataSize: 3, dataMd5: md5 });
    const neither = listedPart.safeParse({ offset: 0, dataMd5: md5 });
    expect(neither.success).toBe(false);
    expect(neither.error?.issues[0]?.message).toBe('expected dataSize or dataLen');
  });

  it('a resume answer lists its parts (none when absent)', () => {
    expect(initUploadResume.parse({ code: 1, dataSize: 524288 }).listParts).toEqual([]);
    expect(initUploadResume.parse({ code: 1, dataSize: 524288, listParts: [{ offset: 0, dataLen: 1, dataMd5: md5 }] }).listParts).toEqual([
      { offset: 0, dataSize: 1, dataMd5: md5 },
    ]);
  });
});
