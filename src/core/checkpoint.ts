/**
 * Checkpoints: what hashing a file produced (SHA-1, part size, part MD5s), kept so an upload can
 * resume after a restart without reading the file again.
 *
 * Storage is pluggable ({@link CheckpointStore}); this module holds the rules: how a key is made,
 * the record's schema, and that a checkpoint is an optimisation only — anything odd in storage
 * (a broken store, a corrupt or stale entry) is reported and treated as a miss, never trusted and
 * never allowed to fail the upload.
 */
import * as z from 'zod/mini';
import { VodArgumentError, describe, md5Hex, partSize, sha1Hex } from '../protocol/index.js';

/** Async key-value storage of JSON-able values. Adapters provide IndexedDB, directory, KV stores. */
export interface CheckpointStore {
  /** The stored value, or `undefined` when there is none. */
  get(key: string): Promise<unknown>;
  /** Stores `value` under `key`, replacing any. */
  set(key: string, value: unknown): Promise<void>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
}

/** Default age after which a checkpoint is dropped: 7 days. */
export const DEFAULT_CHECKPOINT_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/** The stored record, version 1. `partMd5s` has one entry per part, in offset order. */
export const checkpointRecord = z
  .object({
    version: z.literal(1),
    sha1: sha1Hex,
    partSize,
    partMd5s: z.array(md5Hex),
    size: z.int().check(z.minimum(1), z.maximum(Number.MAX_SAFE_INTEGER)),
    createdAt: z.int().check(z.minimum(0)),
    /** Which upload this is, for listing pending uploads (see pending.ts); absent in older records. */
    about: z.optional(
      z.object({
        name: z.string().check(z.maxLength(4096)),
        path: z.optional(z.string().check(z.maxLength(4096))),
        endpoint: z.string().check(z.maxLength(2048)),
      }),
    ),
  })
  .check(
    z.refine((record) => record.partMd5s.length === Math.ceil(record.size / record.partSize), {
      message: 'expected one part MD5 per part (ceil(size / partSize))',
      path: ['partMd5s'],
    }),
  );
/** What a checkpoint holds: the file's hashes, so a resume needs no hashing. */
export type CheckpointRecord = z.infer<typeof checkpointRecord>;

/** Identity of a source at one service account. */
export interface CheckpointIdentity {
  /** The file's name (with extension, as the source reports it). */
  name: string;
  /** Its size in bytes. */
  size: number;
  /** `File.lastModified` (ms), or the file system's mtime. */
  lastModified: number;
  /** The endpoint URL: the same file at another service is another upload. */
  endpoint: string;
  /** The SecretId (or `-`): the same file under another account is another upload. */
  secretId: string;
  /**
   * The file's full path where there is one (server runtimes): two files of one base name, size
   * and mtime in different folders are different files. Browsers have none.
   */
  path?: string | undefined;
}

/**
 * A stable key for `identity`: the SHA-256 (WebCrypto) hex digest of its fields, so it is the
 * same in every runtime, safe as a file name or KV key, and does not reveal the SecretId or name.
 */
export async function checkpointKey(identity: CheckpointIdentity): Promise<string> {
  const { name, size, lastModified, endpoint, secretId, path } = identity;
  if (path !== undefined && (typeof path !== 'string' || path === '')) throw new VodArgumentError('path', 'a non-empty string', path);
  if (typeof name !== 'string') throw new VodArgumentError('name', 'a string', name);
  if (!Number.isSafeInteger(size) || size < 0) throw new VodArgumentError('size', 'an integer ≥ 0', size);
  if (typeof lastModified !== 'number' || !Number.isFinite(lastModified)) {
    throw new VodArgumentError('lastModified', 'a finite number (ms)', lastModified);
  }
  if (typeof endpoint !== 'string' || endpoint === '') throw new VodArgumentError('endpoint', 'a non-empty string', endpoint);
  if (typeof secretId !== 'string' || secretId === '') throw new VodArgumentError('secretId', 'a non-empty string', secretId);
  // A JSON array keeps the fields apart: no separator inside a name can make two identities collide.
  const text = JSON.stringify(['vod-upload-checkpoint/2', path ?? null, name, size, lastModified, endpoint, secretId]);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Why a checkpoint operation did not go as planned. None of these fails an upload. */
export interface CheckpointWarning {
  kind: 'read-failed' | 'corrupt' | 'expired' | 'mismatch' | 'write-failed' | 'delete-failed';
  key: string;
  message: string;
  error?: unknown;
}

export interface CheckpointIoOptions {
  /** Told about every problem that was tolerated. */
  onWarning?: ((warning: CheckpointWarning) => void) | undefined;
}

export interface ReadCheckpointOptions extends CheckpointIoOptions {
  /** Size of the source now: a record for another size is stale and dropped. */
  size: number;
  /** Older records are dropped. Default {@link DEFAULT_CHECKPOINT_MAX_AGE_MS}. */
  maxAgeMs?: number | undefined;
  /** Clock in ms. Default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * The record under `key`, or `undefined` on a miss. A corrupt, mismatched or expired entry is
 * deleted (and reported), a failing store counts as a miss (and is reported).
 */
export async function readCheckpoint(
  store: CheckpointStore,
  key: string,
  options: ReadCheckpointOptions,
): Promise<CheckpointRecord | undefined> {
  const { size, onWarning } = options;
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_CHECKPOINT_MAX_AGE_MS;
  if (typeof maxAgeMs !== 'number' || Number.isNaN(maxAgeMs) || maxAgeMs < 0) {
    throw new VodArgumentError('maxAgeMs', 'a number ≥ 0', maxAgeMs);
  }
  const now = (options.now ?? Date.now)();
  let raw: unknown;
  try {
    raw = await store.get(key);
  } catch (error) {
    onWarning?.({ kind: 'read-failed', key, message: `Reading checkpoint failed: ${errorText(error)}`, error });
    return undefined;
  }
  if (raw === undefined || raw === null) return undefined;

  const parsed = checkpointRecord.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || 'record'}: ${issue.message}` : 'invalid';
    await drop(store, key, { kind: 'corrupt', key, message: `Corrupt checkpoint dropped (${where})` }, onWarning);
    return undefined;
  }
  const record = parsed.data;
  if (record.size !== size) {
    const message = `Checkpoint for ${record.size} bytes dropped: the source has ${describe(size)} bytes`;
    await drop(store, key, { kind: 'corrupt', key, message }, onWarning);
    return undefined;
  }
  // A record from the far future (clock reset, tampering) is as untrustworthy as an old one.
  if (now - record.createdAt > maxAgeMs || record.createdAt - now > maxAgeMs) {
    const message = `Checkpoint from ${new Date(record.createdAt).toISOString()} dropped (older than ${maxAgeMs} ms)`;
    await drop(store, key, { kind: 'expired', key, message }, onWarning);
    return undefined;
  }
  return record;
}

/**
 * Indexes of the parts whose MD5 is checked against the file before a checkpoint is trusted:
 * the first, the middle and the last. A checkpoint of another file with the same identity (a
 * browser File has no path; a file rewritten within one mtime tick) fails this cheap proof.
 */
export function sampledParts(partCount: number): number[] {
  if (partCount <= 0) return [];
  return [...new Set([0, Math.floor((partCount - 1) / 2), partCount - 1])];
}

/** What the caller provides to {@link writeCheckpoint}; version and time are filled in. */
export type CheckpointInput = Omit<CheckpointRecord, 'version' | 'createdAt'> & { createdAt?: number };

export interface WriteCheckpointOptions extends CheckpointIoOptions {
  now?: (() => number) | undefined;
}

/**
 * Validates and stores a record. An invalid record is our bug and throws
 * {@link VodArgumentError}; a failing store is reported and the result is `undefined`.
 */
export async function writeCheckpoint(
  store: CheckpointStore,
  key: string,
  input: CheckpointInput,
  options: WriteCheckpointOptions = {},
): Promise<CheckpointRecord | undefined> {
  const candidate = { ...input, version: 1, createdAt: input.createdAt ?? (options.now ?? Date.now)() };
  const parsed = checkpointRecord.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // VodArgumentError says "expected" itself; the schema's messages start with it too.
    const expected = issue?.message.replace(/^expected /, '') ?? 'a valid record';
    throw new VodArgumentError(`checkpoint.${issue?.path.join('.') ?? ''}`, expected);
  }
  try {
    await store.set(key, parsed.data);
    return parsed.data;
  } catch (error) {
    options.onWarning?.({ kind: 'write-failed', key, message: `Writing checkpoint failed: ${errorText(error)}`, error });
    return undefined;
  }
}

/** Removes the record (after success, or when the file changed). Store failures are reported only. */
export async function deleteCheckpoint(store: CheckpointStore, key: string, options: CheckpointIoOptions = {}): Promise<boolean> {
  try {
    await store.delete(key);
    return true;
  } catch (error) {
    options.onWarning?.({ kind: 'delete-failed', key, message: `Deleting checkpoint failed: ${errorText(error)}`, error });
    return false;
  }
}

async function drop(
  store: CheckpointStore,
  key: string,
  warning: CheckpointWarning,
  onWarning: CheckpointIoOptions['onWarning'],
): Promise<void> {
  onWarning?.(warning);
  await deleteCheckpoint(store, key, { onWarning });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : describe(error);
}

export { createMemoryCheckpointStore } from './memory-checkpoints.js';
