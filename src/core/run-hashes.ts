/**
 * An upload's hashes and its checkpoint: reuse what memory or a checkpoint holds (after a cheap
 * proof that it belongs to these bytes), or hash the file once; keep and drop the checkpoint.
 */
import type { HashResult } from '../hasher/types.js';
import type { PartSize } from '../protocol/schemas.js';
import { deleteCheckpoint, readCheckpoint, sampledParts, writeCheckpoint, type CheckpointRecord } from './checkpoint.js';
import type { RunInput } from './run-upload.js';
import { planParts } from './source.js';

/** The file's hashes: from memory (resumed after pause), a checkpoint, or one read of the file. */
export async function obtainHash(input: RunInput, partSize: PartSize, signal: AbortSignal): Promise<HashResult> {
  if (input.memo.hash) return input.memo.hash;
  const { checkpoints, checkpointKey, source } = input;
  if (checkpoints && checkpointKey) {
    const saved = await readCheckpoint(checkpoints, checkpointKey, {
      size: source.size,
      ...(input.checkpointMaxAgeMs !== undefined ? { maxAgeMs: input.checkpointMaxAgeMs } : {}),
      onWarning: input.onWarning,
    });
    if (saved && (await checkpointMatches(input, saved, signal))) {
      const hash: HashResult = {
        sha1: saved.sha1,
        partSize: saved.partSize,
        partMd5s: saved.partMd5s,
        engine: 'checkpoint',
        bytesHashed: 0,
        runner: 'inline',
      };
      input.memo.hash = hash;
      input.memo.engine = 'checkpoint';
      return hash;
    }
  }
  input.progress.hashing();
  const hash = await input.hasher.hash(source.blob, { partSize, signal, onProgress: (bytes) => input.progress.hashed(bytes) });
  if (hash.fallbackReason) input.onWarning({ kind: 'hash-inline', message: `hashing ran on the calling thread: ${hash.fallbackReason}` });
  input.memo.hashedBytes += hash.bytesHashed;
  input.memo.engine = hash.engine;
  input.memo.hash = hash;
  await saveCheckpoint(input, hash);
  return hash;
}

/**
 * Cheap proof that a checkpoint belongs to these bytes: the MD5 of a few sampled parts (first,
 * middle, last) must match what it stores. A mismatch drops the checkpoint and is reported.
 */
async function checkpointMatches(input: RunInput, saved: CheckpointRecord, signal: AbortSignal): Promise<boolean> {
  const parts = planParts(input.source.size, saved.partSize);
  for (const index of sampledParts(parts.length)) {
    const part = parts[index]!;
    const bytes = await input.source.blob.slice(part.offset, part.offset + part.size);
    // Not counted in hashedBytes, which says whether the file was hashed (a few parts are not).
    const { partMd5s } = await input.hasher.hash(bytes, { partSize: saved.partSize, signal, only: 'partMd5s' });
    if (partMd5s[0] !== saved.partMd5s[index]) {
      input.onWarning({
        kind: 'mismatch',
        message: `Checkpoint dropped: part ${index} of the file does not match it (another file with the same name, size and time)`,
      });
      await forgetCheckpoint(input);
      return false;
    }
  }
  return true;
}

/** The server's session uses another part size: only the part MD5s are computed again. */
export async function rehashParts(input: RunInput, hash: HashResult, partSize: PartSize, signal: AbortSignal): Promise<HashResult> {
  // Progress stays in the upload phase: this is a short detour, not a new hashing of the file.
  const redone = await input.hasher.hash(input.source.blob, { partSize, signal, only: 'partMd5s' });
  input.memo.hashedBytes += redone.bytesHashed;
  const next: HashResult = { ...hash, partSize, partMd5s: redone.partMd5s };
  input.memo.hash = next;
  await saveCheckpoint(input, next);
  return next;
}

/** Store failures are reported as warnings, never fail the upload (checkpoint.ts). */
async function saveCheckpoint(input: RunInput, hash: HashResult): Promise<void> {
  if (!input.checkpoints || !input.checkpointKey) return;
  const { name, path } = input.source;
  // `about` lets a later session list what is pending (file, endpoint); never the SecretId.
  const about = {
    name: name.slice(0, 4096),
    ...(path !== undefined ? { path: path.slice(0, 4096) } : {}),
    endpoint: input.client.endpoint.slice(0, 2048),
  };
  const record = { sha1: hash.sha1, partSize: hash.partSize as PartSize, partMd5s: hash.partMd5s, size: input.source.size, about };
  await writeCheckpoint(input.checkpoints, input.checkpointKey, record, { onWarning: input.onWarning });
}

export async function forgetCheckpoint(input: RunInput): Promise<void> {
  if (!input.checkpoints || !input.checkpointKey) return;
  await deleteCheckpoint(input.checkpoints, input.checkpointKey, { onWarning: input.onWarning });
}
