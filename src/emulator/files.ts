/**
 * Serves finished files at the `url` FinishUpload returns (`/vod/<fileId>/f0.<ext>`), with Range
 * support so a `<video>` element can seek.
 */
import { corsHeaders, textResponse } from './answer.js';
import type { EmulatorStorage } from './storage.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  flv: 'video/x-flv',
  mkv: 'video/x-matroska',
  ts: 'video/mp2t',
  m3u8: 'application/vnd.apple.mpegurl',
  avi: 'video/x-msvideo',
  wmv: 'video/x-ms-wmv',
  mpg: 'video/mpeg',
  mpeg: 'video/mpeg',
  '3gp': 'video/3gpp',
  ogv: 'video/ogg',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  wav: 'audio/wav',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
};

/** The Content-Type served for a file of this type; unknown types are plain bytes. */
export function contentTypeOf(fileType: string): string {
  return CONTENT_TYPES[fileType.toLowerCase()] ?? 'application/octet-stream';
}

/** Matches the path a finished file is served at. */
export const FILE_PATH = /^\/vod\/([0-9]{1,40})\/f0\.([A-Za-z0-9]{1,16})$/;

type RangeResult = { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

/**
 * Reads a `Range` header against a file of `size` bytes. One range of the `bytes` unit is served;
 * a list of ranges or another unit is ignored (the whole file is sent), as RFC 9110 allows.
 */
export function parseRange(header: string | null, size: number): RangeResult {
  if (header === null || header.length > 200) return { kind: 'full' };
  const trimmed = header.trim();
  if (!/^bytes=/i.test(trimmed)) return { kind: 'full' };
  const spec = trimmed.slice(6).trim();
  if (spec.includes(',')) return { kind: 'full' };
  // A last position past the end is clamped (RFC 9110), however many digits it has.
  const match = /^([0-9]{0,16})-([0-9]{0,40})$/.exec(spec);
  if (!match || (match[1] === '' && match[2] === '')) return { kind: 'unsatisfiable' };
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size };
  }
  const start = Number(match[1]);
  const last = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || last < start) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: last + 1 };
}

/** Answers GET or HEAD for a finished file. */
export async function serveFile(request: Request, storage: EmulatorStorage, fileId: string, extension: string): Promise<Response> {
  const record = await storage.getFileById(fileId);
  if (!record || record.fileType.toLowerCase() !== extension.toLowerCase()) return textResponse(404, 'Not Found', request);
  const size = record.fileSize;
  const headers = corsHeaders(request);
  headers.set('Content-Type', contentTypeOf(record.fileType));
  headers.set('Accept-Ranges', 'bytes');
  headers.set('ETag', `"${record.fileSha}"`);
  headers.set('Cache-Control', 'public, max-age=3600');
  const range = parseRange(request.headers.get('Range'), size);
  if (range.kind === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${size}`);
    headers.set('Content-Type', 'text/plain; charset=utf-8');
    return new Response('Range Not Satisfiable', { status: 416, headers });
  }
  const [start, end, status] = range.kind === 'partial' ? [range.start, range.end, 206] : [0, size, 200];
  if (status === 206) headers.set('Content-Range', `bytes ${start}-${end - 1}/${size}`);
  headers.set('Content-Length', String(end - start));
  if (request.method === 'HEAD') return new Response(null, { status, headers });
  return new Response(await storage.readFile(fileId, start, end), { status, headers });
}
