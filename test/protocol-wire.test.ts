import { describe, expect, it } from 'vitest';
import { finishUploadWire, initUploadWire, toWire, uploadPartWire } from '../src/protocol/index.js';

const sha = 'a'.repeat(40);
const init = { fileName: 'talk', fileSha: sha, fileSize: '1048577', dataSize: '524288', fileType: 'mp4' };

describe('wire schemas: a server reads query strings strictly', () => {
  it('InitUpload: decimal fields become numbers, tag.N and tags.N (or _) become the tags', () => {
    expect(initUploadWire.parse({ ...init, classId: '0', isTranscode: '1', 'tag.1': 'a', tags_2: 'b' })).toEqual({
      fileName: 'talk',
      fileSha: sha,
      fileSize: 1048577,
      dataSize: 524288,
      fileType: 'mp4',
      classId: 0,
      isTranscode: 1,
      tags: ['a', 'b'],
    });
    expect(initUploadWire.parse(init).tags).toBeUndefined();
  });

  it('InitUpload: tag indexes run from 1 to 10', () => {
    expect(initUploadWire.parse({ ...init, 'tag.10': 'x' }).tags).toEqual(['x']);
    expect(initUploadWire.safeParse({ ...init, 'tag.0': 'x' }).success).toBe(false);
    expect(initUploadWire.safeParse({ ...init, 'tag.11': 'x' }).success).toBe(false);
    expect(initUploadWire.parse({ ...init, 'xtag.1': 'x', 'tag.1x': 'y' }).tags).toBeUndefined();
  });

  it('a file name takes up to 40 UTF-8 bytes', () => {
    expect(initUploadWire.parse({ ...init, fileName: 'é'.repeat(20) }).fileName).toBe('é'.repeat(20));
    expect(initUploadWire.safeParse({ ...init, fileName: `${'é'.repeat(20)}a` }).success).toBe(false);
  });

  it('only canonical decimals count as numbers: no sign, leading zero, exponent or 17th digit', () => {
    for (const fileSize of ['+5', '-5', '05', '1e3', '1.5', ' 5', '12345678901234567', ''])
      expect(initUploadWire.safeParse({ ...init, fileSize }).success, fileSize).toBe(false);
    expect(initUploadWire.parse({ ...init, fileSize: '1234567890123456' }).fileSize).toBe(1234567890123456);
  });

  it('UploadPart and FinishUpload', () => {
    const md5 = 'b'.repeat(32);
    expect(uploadPartWire.parse({ fileSha: sha, offset: '0', dataSize: '524288', dataMd5: md5 })).toEqual({
      fileSha: sha,
      offset: 0,
      dataSize: 524288,
      dataMd5: md5,
    });
    expect(uploadPartWire.safeParse({ fileSha: sha, offset: '00', dataSize: '1', dataMd5: md5 }).success).toBe(false);
    expect(uploadPartWire.safeParse({ fileSha: sha, dataSize: '1', dataMd5: md5 }).success).toBe(false);
    expect(finishUploadWire.parse({ fileSha: sha, extra: '1' })).toEqual({ fileSha: sha });
    expect(finishUploadWire.safeParse({ fileSha: 'A'.repeat(40) }).success).toBe(false);
  });
});

describe('toWire: typed parameters to their query-string form', () => {
  it('writes every defined value as a string and numbers the tags from 1', () => {
    expect(
      toWire({ fileName: 'talk', fileSha: sha, fileSize: 5, dataSize: 524288, fileType: 'mp4', classId: undefined, tags: ['a', 'b'] }),
    ).toEqual({
      fileName: 'talk',
      fileSha: sha,
      fileSize: '5',
      dataSize: '524288',
      fileType: 'mp4',
      'tag.1': 'a',
      'tag.2': 'b',
    });
  });

  it('round-trips through the wire schema', () => {
    const params = {
      fileName: 'talk',
      fileSha: sha,
      fileSize: 7,
      dataSize: 1048576 as const,
      fileType: 'mov',
      isWatermark: 0 as const,
      tags: ['x'],
    };
    expect(initUploadWire.parse(toWire(params))).toEqual(params);
  });
});
