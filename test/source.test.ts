import { describe, expect, it } from 'vitest';
import { planParts, resolveSource, sanitizeFileName, splitName, truncateUtf8 } from '../src/core/source.js';
import { VodArgumentError } from '../src/protocol/index.js';

describe('source naming', () => {
  it('splits at the last dot: clip.final.mp4 → clip.final + mp4', () => {
    expect(splitName('clip.final.mp4')).toEqual({ base: 'clip.final', extension: 'mp4' });
    expect(splitName('/a/b.c/noext')).toEqual({ base: 'noext', extension: undefined });
    expect(splitName('.hidden')).toEqual({ base: '.hidden', extension: undefined });
  });

  it('replaces forbidden characters and cuts to 40 UTF-8 bytes on a character boundary', () => {
    expect(sanitizeFileName('a:b*c?"d<e>f\\g/h')).toBe('a_b_c__d_e_f_g_h');
    const cut = truncateUtf8('视频'.repeat(10), 40); // 3 bytes each
    expect(new TextEncoder().encode(cut).length).toBe(39);
    expect(cut).toBe(`${'视频'.repeat(6)}视`);
    expect(new TextEncoder().encode(sanitizeFileName('😀'.repeat(11))).length).toBe(40);
  });

  it('resolves names from a File, explicit options win', () => {
    const file = new File(['abc'], 'my:clip.final.MOV', { lastModified: 7 });
    expect(resolveSource(file)).toMatchObject({
      fileName: 'my_clip.final',
      fileType: 'MOV',
      size: 3,
      lastModified: 7,
      name: 'my:clip.final.MOV',
    });
    expect(resolveSource(file, { fileName: 'x', fileType: '.mp4' })).toMatchObject({ fileName: 'x', fileType: 'mp4' });
    expect(resolveSource(new Blob(['abc']), { name: 'a.webm' })).toMatchObject({ fileName: 'a', fileType: 'webm' });
  });

  it('refuses what the protocol cannot take, naming the parameter', () => {
    const param = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(VodArgumentError);
        return (error as VodArgumentError).parameter;
      }
      return 'no error';
    };
    expect(param(() => resolveSource(new Blob([]), { name: 'a.mp4' }))).toBe('source');
    expect(param(() => resolveSource(new Blob(['x'])))).toBe('fileType');
    expect(param(() => resolveSource(new Blob(['x']), { name: 'a.m p4' }))).toBe('fileType');
    expect(param(() => resolveSource('not a blob' as unknown as Blob))).toBe('source');
  });

  it('plans parts with a short last one', () => {
    expect(planParts(2621440, 1048576)).toEqual([
      { index: 0, offset: 0, size: 1048576 },
      { index: 1, offset: 1048576, size: 1048576 },
      { index: 2, offset: 2097152, size: 524288 },
    ]);
    expect(planParts(1, 524288)).toEqual([{ index: 0, offset: 0, size: 1 }]);
  });
});
