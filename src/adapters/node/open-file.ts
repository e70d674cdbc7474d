/** `openFile` for Node: a path becomes a {@link NodeFile} read by position, or a typed error naming the path. */
import { ClientErrorCode, VodArgumentError, VodError } from '../../protocol/errors.js';
import { registerFile } from '../shared/thread-hasher.js';
import { openNodeFile, type NodeFile } from './file-source.js';

/**
 * Opens a file for `upload`: a {@link NodeFile} (named after the path's base name, with the
 * file's mtime) whose bytes are read by position only as the upload sends them. Any size below
 * 2^53 bytes works (Node 20's `fs.openAsBlob` gets sizes of 4 GiB and more wrong, so it is not used).
 */
export async function openFile(path: string): Promise<NodeFile> {
  if (typeof path !== 'string' || path === '') throw new VodArgumentError('path', 'a file path', path);
  // The full path: it is part of the checkpoint identity (day1/clip.mp4 is not day2/clip.mp4).
  const absolute = (await import('node:path')).resolve(path);
  let file: NodeFile;
  try {
    file = await openNodeFile(absolute);
  } catch (error) {
    throw openError(path, error);
  }
  return registerFile(file, { path: absolute, size: file.size, mtimeMs: file.mtimeMs });
}

/** A file that cannot be opened is a typed error naming the path, never a bare ENOENT. */
function openError(path: string, error: unknown): VodError {
  if (error instanceof VodError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : error instanceof Error
          ? error.message
          : String(error);
  return new VodError({
    code: ClientErrorCode.Source,
    message: `Cannot open ${JSON.stringify(path)}: ${reason}`,
    canRetry: false,
    cause: error,
  });
}
