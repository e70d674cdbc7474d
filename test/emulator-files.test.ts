/**
 * Serving finished files (src/emulator/files.ts) without HTTP: how a Range header is read, which
 * type and headers go out, and when the stored bytes are asked for; and which parts fit a session
 * (src/emulator/storage.ts). The same behaviour over real HTTP: emulator-http.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { contentTypeOf, FILE_PATH, parseRange, serveFile } from '../src/emulator/files.js';
import { type EmulatorStorage, type FileRecord, partFitsSession, type SessionRecord } from '../src/emulator/storage.js';

describe('parseRange', () => {
  const size = 100;
  it.each([
    ['bytes=0-9', { kind: 'partial', start: 0, end: 10 }],
    ['bytes=10-', { kind: 'partial', start: 10, end: 100 }],
    ['bytes=99-99', { kind: 'partial', start: 99, end: 100 }],
    ['bytes=-1', { kind: 'partial', start: 99, end: 100 }],
    ['bytes=-30', { kind: 'partial', start: 70, end: 100 }],
    ['bytes=-500', { kind: 'partial', start: 0, end: 100 }],
    ['bytes=5-5000', { kind: 'partial', start: 5, end: 100 }],
    ['  BYTES=2-3  ', { kind: 'partial', start: 2, end: 4 }],
    ['bytes= 2-3', { kind: 'partial', start: 2, end: 4 }],
  ])('%j is the part it names, the end clamped to the file', (header, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });

  it.each([
    ['bytes=100-', 'a start at the size'],
    ['bytes=150-160', 'a start past the end'],
    ['bytes=9-3', 'a last position before the start'],
    ['bytes=-0', 'an empty suffix'],
    ['bytes=-', 'no positions'],
    ['bytes=a-b', 'not numbers'],
    ['bytes=1-2-3', 'three positions'],
    ['bytes=12345678901234567-', 'a start of 17 digits'],
  ])('%j (%s) cannot be satisfied', (header) => {
    expect(parseRange(header, size)).toEqual({ kind: 'unsatisfiable' });
  });

  it.each([
    [null, 'no header'],
    ['bytes=0-1,5-6', 'a list of ranges'],
    ['items=0-1', 'another unit'],
    ['0-1', 'no unit'],
    ['xbytes=0-1', 'a unit that only ends in bytes'],
    [`bytes=0-1${' '.repeat(200)}`, 'a header over 200 characters'],
  ])('%j (%s) gets the whole file', (header: string | null, _what: string) => {
    expect(parseRange(header, size)).toEqual({ kind: 'full' });
  });

  it('takes a header of exactly 200 characters', () => {
    const header = `bytes=0-1${' '.repeat(191)}`;
    expect(header).toHaveLength(200);
    expect(parseRange(header, size)).toEqual({ kind: 'partial', start: 0, end: 2 });
  });
});

describe('contentTypeOf and FILE_PATH', () => {
  it('maps video, audio and image types in any case; anything else is plain bytes', () => {
    expect(contentTypeOf('mp4')).toBe('video/mp4');
    expect(contentTypeOf('MOV')).toBe('video/quicktime');
    expect(contentTypeOf('3gp')).toBe('video/3gpp');
    expect(contentTypeOf('m3u8')).toBe('application/vnd.apple.mpegurl');
    expect(contentTypeOf('mp3')).toBe('audio/mpeg');
    expect(contentTypeOf('png')).toBe('image/png');
    expect(contentTypeOf('exe')).toBe('application/octet-stream');
    expect(contentTypeOf('')).toBe('application/octet-stream');
  });

  it('matches /vod/<digits>/f0.<type> only', () => {
    expect(FILE_PATH.exec('/vod/123/f0.mp4')?.slice(1)).toEqual(['123', 'mp4']);
    for (const path of ['/vod/12a/f0.mp4', '/vod/123/f1.mp4', '/vod/123/f0.mp4/x', 'x/vod/1/f0.mp4', '/vod//f0.mp4', '/vod/1/f0.']) {
      expect(FILE_PATH.test(path), path).toBe(false);
    }
  });
});

describe('serveFile', () => {
  const bytes = Uint8Array.from({ length: 10 }, (_, i) => 65 + i); // ABCDEFGHIJ
  const record: FileRecord = {
    fileId: '42',
    secretId: 'AKIDtest',
    fileSha: 'a'.repeat(40),
    fileName: 'clip',
    fileType: 'MP4',
    fileSize: bytes.length,
    createdAt: 0,
  };
  /** A storage holding `record`, counting what is read. */
  function storageWithFile() {
    const reads: [number, number][] = [];
    const storage = {
      getFileById: async (fileId: string) => (fileId === record.fileId ? record : undefined),
      readFile: async (_fileId: string, start: number, end: number) => {
        reads.push([start, end]);
        return new Response(bytes.slice(start, end)).body!;
      },
    } as Partial<EmulatorStorage> as EmulatorStorage;
    return { storage, reads };
  }
  const request = (init: RequestInit = {}) => new Request('http://127.0.0.1/vod/42/f0.mp4', init);

  it('GET sends the whole file with its type, length, ETag and caching headers', async () => {
    const { storage, reads } = storageWithFile();
    const response = await serveFile(request(), storage, '42', 'mp4');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('video/mp4');
    expect(response.headers.get('Content-Length')).toBe('10');
    expect(response.headers.get('Accept-Ranges')).toBe('bytes');
    expect(response.headers.get('ETag')).toBe(`"${record.fileSha}"`);
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=3600');
    expect(response.headers.has('Content-Range')).toBe(false);
    expect(await response.text()).toBe('ABCDEFGHIJ');
    expect(reads).toEqual([[0, 10]]);
  });

  it('a Range is a 206 with Content-Range, and only those bytes are read', async () => {
    const { storage, reads } = storageWithFile();
    const response = await serveFile(request({ headers: { Range: 'bytes=2-4' } }), storage, '42', 'mp4');
    expect(response.status).toBe(206);
    expect(response.headers.get('Content-Range')).toBe('bytes 2-4/10');
    expect(response.headers.get('Content-Length')).toBe('3');
    expect(await response.text()).toBe('CDE');
    expect(reads).toEqual([[2, 5]]);
  });

  it('a Range it cannot satisfy is a plain-text 416 naming the size, and nothing is read', async () => {
    const { storage, reads } = storageWithFile();
    const response = await serveFile(request({ headers: { Range: 'bytes=10-' } }), storage, '42', 'mp4');
    expect(response.status).toBe(416);
    expect(response.headers.get('Content-Range')).toBe('bytes */10');
    expect(response.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('Range Not Satisfiable');
    expect(reads).toEqual([]);
  });

  it('HEAD sends the headers of a GET and no body, without reading the bytes', async () => {
    const { storage, reads } = storageWithFile();
    const response = await serveFile(request({ method: 'HEAD', headers: { Range: 'bytes=-4' } }), storage, '42', 'mp4');
    expect(response.status).toBe(206);
    expect(response.headers.get('Content-Range')).toBe('bytes 6-9/10');
    expect(response.headers.get('Content-Length')).toBe('4');
    expect(response.body).toBeNull();
    expect(reads).toEqual([]);
  });

  it('an unknown id or another extension is a 404; the extension matches in any case', async () => {
    const { storage } = storageWithFile();
    expect((await serveFile(request(), storage, '43', 'mp4')).status).toBe(404);
    expect((await serveFile(request(), storage, '42', 'webm')).status).toBe(404);
    expect((await serveFile(request(), storage, '42', 'Mp4')).status).toBe(200);
  });
});

describe('partFitsSession', () => {
  const session = { dataSize: 4, fileSize: 10 } as unknown as SessionRecord;
  it('takes a full part on a part boundary, and the short last part', () => {
    expect(partFitsSession(session, 0, 4)).toBe(true);
    expect(partFitsSession(session, 4, 4)).toBe(true);
    expect(partFitsSession(session, 8, 2)).toBe(true);
  });

  it('refuses an offset off the boundaries or at or past the end, and a size other than the one asked there', () => {
    expect(partFitsSession(session, 1, 4)).toBe(false);
    expect(partFitsSession(session, 10, 0)).toBe(false);
    expect(partFitsSession(session, 12, 4)).toBe(false);
    expect(partFitsSession(session, 0, 3)).toBe(false);
    expect(partFitsSession(session, 8, 4)).toBe(false);
    // A file of whole parts: the offset of its end is on a boundary, and still past the file.
    expect(partFitsSession({ dataSize: 4, fileSize: 8 } as unknown as SessionRecord, 8, 0)).toBe(false);
  });
});
