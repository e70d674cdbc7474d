/**
 * Client-side restrictions: a refused file throws (upload) or rejects (queue) with a
 * VodRestrictionError naming the rule and the file, before any byte of it is read or any
 * request is sent — counted at the emulator and at the source itself.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createUploadQueueWithClient as createUploadQueue,
  findRestrictionFailure,
  uploadWithClient as upload,
  validateRestrictions,
  VIDEO_TYPES,
  VodArgumentError,
  VodRestrictionError,
  type FileSource,
  type UploadRestrictions,
} from '../src/engine.js';
import { countingHasher, makeClient, randomFile, startEmulator, type RunningEmulator } from './helpers/upload-stack.js';
import { thrownBy } from './helpers/thrown.js';

const MiB = 1048576;
let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(() => emu.close());
beforeEach(() => emu.emulator.log.clear());

/** A FileSource over a File that counts every read: slice() and stream() calls. */
function countingSource(file: File): FileSource & { reads: number; type: string } {
  const source = {
    reads: 0,
    size: file.size,
    name: file.name,
    lastModified: file.lastModified,
    type: file.type,
    slice(start: number, end: number) {
      source.reads += 1;
      return file.slice(start, end);
    },
    stream() {
      source.reads += 1;
      return file.stream();
    },
  };
  return source;
}

const refusal = (start: () => unknown): VodRestrictionError => thrownBy(VodRestrictionError, start);

describe('upload(): a file that breaks a rule is refused before any read or request', () => {
  it.each<[string, File, UploadRestrictions, string, RegExp]>([
    ['maxFileSize', randomFile(2 * MiB, 'big.mp4'), { maxFileSize: MiB }, 'big.mp4', /2097152 bytes is more than the 1048576 allowed/],
    ['minFileSize', randomFile(100, 'tiny.mp4'), { minFileSize: 1000 }, 'tiny.mp4', /100 bytes is less than the 1000 required/],
    ['allowedTypes', randomFile(100, 'notes.txt'), { allowedTypes: ['.mp4', '.mov'] }, 'notes.txt', /\.txt is not one of \.mp4, \.mov/],
    [
      'allowedTypes',
      new File(['x'.repeat(100)], 'song.mp4', { type: 'audio/mp4' }),
      { allowedTypes: ['video/*'] },
      'song.mp4',
      /\.mp4 \(audio\/mp4\) is not one of video\/\*/,
    ],
  ])('%s refuses %#', (rule, file, restrictions, name, reason) => {
    const source = countingSource(file);
    const hasher = countingHasher();
    const error = refusal(() => upload(source, { client: makeClient(emu), hasher, restrictions }));
    expect(error).toBeInstanceOf(VodArgumentError);
    expect(error).toMatchObject({ rule, file: name, parameter: `restrictions.${rule}`, code: 'INVALID_ARGUMENT', canRetry: false });
    expect(error.message).toContain(name);
    expect(error.message).toContain(`restrictions.${rule}`);
    expect(error.message).toMatch(reason);
    expect(source.reads).toBe(0);
    expect(hasher.jobs).toBe(0);
    expect(emu.emulator.log.count()).toBe(0);
  });

  it('a file within every rule is uploaded (the same checks do not refuse it)', async () => {
    const source = countingSource(randomFile(MiB + 10, 'ok.mov'));
    const result = await upload(source, {
      client: makeClient(emu),
      hasher: countingHasher(),
      restrictions: { maxFileSize: 2 * MiB, minFileSize: MiB, allowedTypes: ['video/quicktime'] },
    }).done;
    expect(result.size).toBe(MiB + 10);
    expect(source.reads).toBeGreaterThan(0);
    expect(emu.emulator.log.count('FinishUpload', 0)).toBe(1);
  });
});

describe('createUploadQueue(): restrictions refuse at add(), the other files go on', () => {
  it('refused files reject with the rule and the file, never read; the allowed one is uploaded', async () => {
    const queue = createUploadQueue<FileSource>({
      client: makeClient(emu),
      hasher: countingHasher(),
      restrictions: { maxFileSize: 2 * MiB, allowedTypes: VIDEO_TYPES },
    });
    const big = countingSource(randomFile(3 * MiB, 'big.mp4'));
    const text = countingSource(randomFile(10, 'readme.txt'));
    const good = countingSource(randomFile(MiB, 'good.webm'));
    const failed: string[] = [];
    queue.on('file-failed', ({ file, error }) => failed.push(`${file.id}:${(error as VodRestrictionError).rule}`));
    const results = await queue.addAll([big, text, good]);
    expect(results.map((entry) => entry.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(failed).toEqual(['1:maxFileSize', '2:allowedTypes']);
    expect(results[0]).toMatchObject({ error: { rule: 'maxFileSize', file: 'big.mp4' } });
    expect(results[1]).toMatchObject({ error: { rule: 'allowedTypes', file: 'readme.txt' } });
    expect(big.reads + text.reads).toBe(0);
    // Only the allowed file reached the emulator: one Init, one part, one Finish.
    expect(emu.emulator.log.count()).toBe(3);
    expect(queue.progress).toMatchObject({ files: 3, filesDone: 1, filesFailed: 2, totalBytes: MiB, bytesDone: MiB, overallPercent: 100 });
  });

  it('per-file restrictions override the queue ones', async () => {
    const queue = createUploadQueue({ client: makeClient(emu), hasher: countingHasher(), restrictions: { maxFileSize: 10 } });
    const result = await queue.add(randomFile(100, 'a.mp4'), { restrictions: { maxFileSize: 1000 } });
    expect(result.size).toBe(100);
    await expect(queue.add(randomFile(100, 'b.mp4'))).rejects.toMatchObject({ rule: 'maxFileSize', file: 'b.mp4' });
  });
});

describe('rules', () => {
  it('bad restrictions name the rule and what it takes, before anything starts', () => {
    const cases: [unknown, string][] = [
      [{ maxSize: 1 }, 'restrictions.maxSize'],
      [{ maxFileSize: -1 }, 'restrictions.maxFileSize'],
      [{ minFileSize: 1.5 }, 'restrictions.minFileSize'],
      [{ minFileSize: 10, maxFileSize: 5 }, 'restrictions.minFileSize'],
      [{ allowedTypes: 'video/*' }, 'restrictions.allowedTypes'],
      [{ allowedTypes: ['mp4'] }, 'restrictions.allowedTypes'],
      ['big', 'restrictions'],
    ];
    for (const [restrictions, parameter] of cases) {
      expect(() => validateRestrictions(restrictions)).toThrow(expect.objectContaining({ parameter }));
      expect(() =>
        upload(randomFile(10), { client: makeClient(emu), hasher: countingHasher(), restrictions: restrictions as UploadRestrictions }),
      ).toThrow(expect.objectContaining({ parameter }));
    }
    expect(() => createUploadQueue({ restrictions: { allowedTypes: [] } })).toThrow(
      expect.objectContaining({ parameter: 'restrictions.allowedTypes' }),
    );
    expect(emu.emulator.log.count()).toBe(0);
  });

  it('types match by extension (any case), exact MIME, MIME family, and MIME from the extension when the source has none', () => {
    const rules = (allowedTypes: string[]) => validateRestrictions({ allowedTypes });
    const file = (name: string, fileType: string, mimeType?: string) => ({ size: 1, name, fileType, mimeType });
    expect(findRestrictionFailure(file('A.MP4', 'MP4'), rules(['.mp4']))).toBeUndefined();
    expect(findRestrictionFailure(file('a.mp4', 'mp4', 'video/mp4'), rules(['VIDEO/MP4']))).toBeUndefined();
    expect(findRestrictionFailure(file('a.mkv', 'mkv'), rules(['video/*']))).toBeUndefined();
    expect(findRestrictionFailure(file('a.mxf', 'mxf'), rules(['video/*']))?.rule).toBe('allowedTypes');
    expect(findRestrictionFailure(file('a.mxf', 'mxf'), rules(['application/mxf']))).toBeUndefined();
    expect(findRestrictionFailure(file('a.bin', 'bin'), rules(['video/*']))?.message).toBe(
      'a.bin is refused by restrictions.allowedTypes: .bin is not one of video/*',
    );
    expect(findRestrictionFailure(file('a.mp4', 'mp4', 'video/mp4; codecs="avc1"'), rules(['video/mp4']))).toBeUndefined();
    expect(VIDEO_TYPES).toContain('.mp4');
  });

  it('an exact MIME type is not a family: video/mp4 refuses a .ts file (video/mp2t), audio/* refuses application/mxf', () => {
    const rules = (allowedTypes: string[]) => validateRestrictions({ allowedTypes });
    const file = (name: string, fileType: string, mimeType?: string) => ({ size: 1, name, fileType, mimeType });
    expect(findRestrictionFailure(file('a.ts', 'ts'), rules(['video/mp4']))?.rule).toBe('allowedTypes');
    expect(findRestrictionFailure(file('a.mp4', 'mp4', 'video/mp4v'), rules(['video/mp4']))?.rule).toBe('allowedTypes');
    expect(findRestrictionFailure(file('a.mxf', 'mxf'), rules(['audio/*']))?.rule).toBe('allowedTypes');
    expect(findRestrictionFailure(file('a.mp4', 'mp4', 'audio/mp4'), rules(['audio/*']))).toBeUndefined();
  });

  it('a declared MIME type is read without case or spaces around its parameters; entries are trimmed', () => {
    const file = { size: 1, name: 'a.bin', fileType: 'bin', mimeType: ' Video/MP4 ; codecs="avc1"' };
    expect(findRestrictionFailure(file, validateRestrictions({ allowedTypes: ['video/mp4'] }))).toBeUndefined();
    expect(validateRestrictions({ allowedTypes: [' .MP4 ', ' Video/* '] })).toEqual({ allowedTypes: ['.mp4', 'video/*'] });
    expect(
      findRestrictionFailure({ size: 1, name: 'a.mp4', fileType: 'mp4' }, validateRestrictions({ allowedTypes: [' .mp4'] })),
    ).toBeUndefined();
  });

  it('both size bounds are inclusive, and 0 is a bound like any other', () => {
    const sized = (size: number) => ({ size, name: 'a.mp4', fileType: 'mp4' });
    const bounds = validateRestrictions({ minFileSize: 100, maxFileSize: 100 });
    expect(findRestrictionFailure(sized(100), bounds)).toBeUndefined();
    expect(findRestrictionFailure(sized(99), bounds)?.rule).toBe('minFileSize');
    expect(findRestrictionFailure(sized(101), bounds)?.rule).toBe('maxFileSize');
    expect(validateRestrictions({ maxFileSize: 0, minFileSize: 0 })).toEqual({ maxFileSize: 0, minFileSize: 0 });
    expect(findRestrictionFailure(sized(0), validateRestrictions({ maxFileSize: 0 }))).toBeUndefined();
    expect(findRestrictionFailure(sized(1), validateRestrictions({ maxFileSize: 0 }))?.rule).toBe('maxFileSize');
  });

  it('a file without a name is called (unnamed) with its type', () => {
    const failure = findRestrictionFailure({ size: 10, name: '', fileType: 'mp4' }, validateRestrictions({ maxFileSize: 1 }));
    expect(failure).toMatchObject({ rule: 'maxFileSize', file: '(unnamed).mp4' });
    expect(failure?.message).toBe('(unnamed).mp4 is refused by restrictions.maxFileSize: 10 bytes is more than the 1 allowed');
  });

  it('bad restrictions say what each rule takes (null and non-string types included)', () => {
    const cases: [unknown, RegExp][] = [
      [null, /^Invalid restrictions: expected an object with maxFileSize, minFileSize and\/or allowedTypes, got null/],
      [[], /^Invalid restrictions: expected an object with maxFileSize/],
      [{ maxSize: 1 }, /^Invalid restrictions\.maxSize: expected one of maxFileSize, minFileSize, allowedTypes \(no other rule exists\)/],
      [{ maxFileSize: -1 }, /^Invalid restrictions\.maxFileSize: expected a whole number of bytes ≥ 0, got -1/],
      [{ minFileSize: 10, maxFileSize: 5 }, /^Invalid restrictions\.minFileSize: expected at most maxFileSize \(5\), got 10/],
      [{ allowedTypes: [] }, /^Invalid restrictions\.allowedTypes: expected a non-empty array like \['\.mp4', 'video\/\*'\]/],
      [
        { allowedTypes: [5] },
        /^Invalid restrictions\.allowedTypes: expected entries like '\.mp4' \(an extension with its dot\), 'video\/mp4' or 'video\/\*', got 5/,
      ],
    ];
    for (const [restrictions, message] of cases) {
      let thrown: unknown;
      try {
        validateRestrictions(restrictions);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, String(message)).toBeInstanceOf(VodArgumentError);
      expect((thrown as Error).message).toMatch(message);
    }
  });

  it('a source whose type field is not a string is judged by its extension', async () => {
    const source = { ...countingSource(randomFile(100, 'clip.mp4')), type: 42 as unknown as string };
    const result = await upload(source, { client: makeClient(emu), hasher: countingHasher(), restrictions: { allowedTypes: ['video/*'] } })
      .done;
    expect(result.size).toBe(100);
  });
});
