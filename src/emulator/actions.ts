/**
 * The three actions of the protocol, once a request has passed the gate and its parameters their
 * schema: InitUpload (new / resume / instant), UploadPart and FinishUpload.
 */
import { ErrorCode, LIMITS, type FinishUploadParams, type InitUploadParams, type UploadPartParams } from '../protocol/index.js';
import { answer, type Answer } from './answer.js';
import { readExactBody, type BodySource } from './body.js';
import type { FaultInjector } from './faults.js';
import type { EmulatorHashing } from './hashing.js';
import type { RequestLog } from './log.js';
import type { RunningSha1 } from './running-sha1.js';
import type { SessionLock } from './session-lock.js';
import { partFitsSession, type EmulatorStorage, type FileRecord, type PartRecord, type SessionRecord } from './storage.js';

/** A storage call failed: the request is answered -10004 (write) or -10005 canRetry 1 (read). */
export class StorageFailure extends Error {
  constructor(
    readonly kind: 'read' | 'write',
    cause: unknown,
  ) {
    super(`storage ${kind} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

const reading = <T>(promise: Promise<T>): Promise<T> =>
  promise.catch((error: unknown) => {
    throw new StorageFailure('read', error);
  });
const writing = <T>(promise: Promise<T>): Promise<T> =>
  promise.catch((error: unknown) => {
    throw new StorageFailure('write', error);
  });

export interface ActionContext {
  request: Request;
  secretId: string;
  storage: EmulatorStorage;
  log: RequestLog;
  faults: FaultInjector;
  now: () => number;
  /** Origin that file urls start with. */
  publicUrl: string;
  newFileId: () => Promise<string>;
  hashing: EmulatorHashing;
  /** SHA-1s of the sessions' parts, computed as they arrive. */
  runningSha1: RunningSha1;
  /** Where a request's body is read from (see {@link EmulatorOptions.requestBody}). */
  requestBody: (request: Request) => BodySource;
  /** InitUpload and FinishUpload run alone on their session, UploadParts' storing beside each other. */
  sessionLock: SessionLock;
}

const sessionKey = (secretId: string, fileSha: string): string => `${secretId}\n${fileSha}`;

const fileUrl = (context: ActionContext, record: FileRecord): string => `${context.publicUrl}/vod/${record.fileId}/f0.${record.fileType}`;

const noSession = (fileSha: string): Answer =>
  answer(ErrorCode.CacheRead, `no upload session for fileSha ${fileSha}: call InitUpload first`, 0);

export function initUpload(context: ActionContext, params: InitUploadParams): Promise<Answer> {
  return context.sessionLock.exclusive(sessionKey(context.secretId, params.fileSha), () => initUploadAlone(context, params));
}

async function initUploadAlone(context: ActionContext, params: InitUploadParams): Promise<Answer> {
  const { storage, secretId } = context;
  const file = await reading(storage.getFileBySha(secretId, params.fileSha));
  if (file) return answer(2, 'file already uploaded', 0, { fileId: file.fileId, url: fileUrl(context, file) });
  const existing = await reading(storage.getSession(secretId, params.fileSha));
  if (existing) {
    if (existing.fileSize !== params.fileSize) {
      return answer(
        ErrorCode.ProtocolParams,
        `fileSize: ${params.fileSize} differs from the session's ${existing.fileSize} for this fileSha`,
        0,
      );
    }
    const parts = (await reading(storage.listParts(secretId, params.fileSha))).sort((a, b) => a.offset - b.offset);
    const listParts = parts.map((part) => ({
      offset: part.offset,
      dataSize: part.dataSize,
      dataLen: part.dataSize,
      dataMd5: part.dataMd5,
    }));
    return answer(1, 'resume the upload', 0, { dataSize: existing.dataSize, listParts });
  }
  const forced = context.faults.take(['dataSize'], 'InitUpload', undefined);
  const dataSize = forced?.dataSize ?? params.dataSize;
  // Bounds the work any later request can cause (Finish walks every part): the client's own
  // limit on listed parts, about 100 GiB in 512 KiB parts.
  if (Math.ceil(params.fileSize / dataSize) > LIMITS.listParts) {
    return answer(
      ErrorCode.ProtocolParams,
      `fileSize: ${params.fileSize} bytes makes more than ${LIMITS.listParts} parts of ${dataSize} bytes`,
      0,
    );
  }
  const session: SessionRecord = {
    secretId,
    fileSha: params.fileSha,
    fileName: params.fileName,
    fileType: params.fileType,
    fileSize: params.fileSize,
    dataSize,
    createdAt: context.now(),
    ...(params.classId === undefined ? {} : { classId: params.classId }),
    ...(params.tags === undefined ? {} : { tags: params.tags }),
  };
  await writing(storage.putSession(session));
  context.runningSha1.forget(sessionKey(secretId, params.fileSha));
  if (forced) return answer(1, 'resume the upload', 0, { dataSize: session.dataSize, listParts: [] });
  return answer(0, 'upload session created', 0);
}

/** The -10003 answer for a part that does not belong to the session, or undefined when it does. */
function misfit(session: SessionRecord, params: UploadPartParams): Answer | undefined {
  if (params.offset % session.dataSize !== 0 || params.offset >= session.fileSize) {
    return answer(
      ErrorCode.ProtocolParams,
      `offset: expected a multiple of ${session.dataSize} below ${session.fileSize}, got ${params.offset}`,
      0,
    );
  }
  if (!partFitsSession(session, params.offset, params.dataSize)) {
    const expected = Math.min(session.dataSize, session.fileSize - params.offset);
    return answer(ErrorCode.ProtocolParams, `dataSize: expected ${expected} at offset ${params.offset}, got ${params.dataSize}`, 0);
  }
  return undefined;
}

export async function uploadPart(context: ActionContext, params: UploadPartParams): Promise<Answer> {
  const { storage, secretId, request, log } = context;
  const session = await reading(storage.getSession(secretId, params.fileSha));
  if (!session) return noSession(params.fileSha);
  const refused = misfit(session, params);
  if (refused) return refused;
  const body = await readExactBody(request, params.dataSize, (count) => (log.bytesReceived += count), context.requestBody(request));
  if (!body.ok) {
    const what = body.reason === 'long' ? 'longer than' : body.reason === 'short' ? 'shorter than' : 'broken before';
    return answer(ErrorCode.BodyInvalid, `body is ${what} dataSize ${params.dataSize}`, 1);
  }
  const digest = context.hashing.md5();
  for (const chunk of body.chunks) digest.update(chunk);
  const md5 = digest.hex();
  if (md5 !== params.dataMd5) {
    return answer(ErrorCode.BodyInvalid, `dataMd5: the body's MD5 is ${md5}, not ${params.dataMd5}`, 1);
  }
  const part: PartRecord = { offset: params.offset, dataSize: params.dataSize, dataMd5: md5 };
  const key = sessionKey(secretId, params.fileSha);
  return context.sessionLock.shared(key, async () => {
    // While the body arrived, the session may have been finished, or dropped and begun again with another part size.
    const current = await reading(storage.getSession(secretId, params.fileSha));
    if (!current) return noSession(params.fileSha);
    const changed = misfit(current, params);
    if (changed) return changed;
    await writing(storage.putPart(secretId, params.fileSha, part, body.chunks));
    context.runningSha1.stored(key, part.offset, body.chunks, (offset) => storage.readPart(secretId, params.fileSha, offset));
    return answer(0, 'part stored', 0);
  });
}

/** Offsets named in the message, and returned in `missingOffsets`. */
const MAX_LISTED_OFFSETS = 20;
const MAX_RETURNED_OFFSETS = 1000;

export function finishUpload(context: ActionContext, params: FinishUploadParams): Promise<Answer> {
  return context.sessionLock.exclusive(sessionKey(context.secretId, params.fileSha), () => finishUploadAlone(context, params));
}

async function finishUploadAlone(context: ActionContext, params: FinishUploadParams): Promise<Answer> {
  const { storage, secretId } = context;
  const session = await reading(storage.getSession(secretId, params.fileSha));
  if (!session) {
    // A Finish whose answer was lost is answered again rather than refused.
    const file = await reading(storage.getFileBySha(secretId, params.fileSha));
    return file ? answer(0, 'file already finished', 0, { fileId: file.fileId, url: fileUrl(context, file) }) : noSession(params.fileSha);
  }
  const held = new Map((await reading(storage.listParts(secretId, params.fileSha))).map((part) => [part.offset, part]));
  // Only the first offsets are collected; the rest are counted (a session may declare many parts).
  const missing: number[] = [];
  let missingCount = 0;
  for (let offset = 0; offset < session.fileSize; offset += session.dataSize) {
    const part = held.get(offset);
    if (part && partFitsSession(session, offset, part.dataSize)) continue;
    missingCount += 1;
    if (missing.length < MAX_RETURNED_OFFSETS) missing.push(offset);
  }
  if (missingCount > 0) {
    const shown = missing.slice(0, MAX_LISTED_OFFSETS).join(', ');
    const more = missingCount > MAX_LISTED_OFFSETS ? ` and ${missingCount - MAX_LISTED_OFFSETS} more` : '';
    return answer(ErrorCode.ProtocolParams, `parts missing at offsets ${shown}${more}`, 0, { missingOffsets: missing });
  }
  const key = sessionKey(secretId, params.fileSha);
  const running = await context.runningSha1.take(key, session.fileSize);
  if (storage.finishFromParts) {
    const digest = running ?? (await hashStoredParts(context, session));
    if (digest !== params.fileSha) return await dropParts(context, session, digest);
    const record = await newFileRecord(context, session);
    await writing(storage.finishFromParts(record, session));
    return answer(0, 'upload finished', 0, { fileId: record.fileId, url: fileUrl(context, record) });
  }
  const writer = await writing(storage.createFileWriter());
  try {
    // Streams part by part: a 256 MiB file is assembled (and hashed, unless its parts were
    // hashed as they arrived) without holding it in memory.
    const hash = running === undefined ? context.hashing.sha1() : undefined;
    for (let offset = 0; offset < session.fileSize; offset += session.dataSize) {
      for (const chunk of await reading(storage.readPart(secretId, params.fileSha, offset))) {
        hash?.update(chunk);
        await writing(writer.write(chunk));
      }
    }
    const digest = hash?.hex() ?? running;
    if (digest !== params.fileSha) {
      await writer.abort();
      return await dropParts(context, session, digest);
    }
    const record = await newFileRecord(context, session);
    await writing(writer.commit(record));
    // The file is kept even if the session cannot be removed: InitUpload looks for files first.
    await storage.deleteSession(secretId, params.fileSha).catch(() => undefined);
    return answer(0, 'upload finished', 0, { fileId: record.fileId, url: fileUrl(context, record) });
  } catch (error) {
    await writer.abort().catch(() => undefined);
    throw error;
  }
}

/** The SHA-1 of a session's stored parts, read back in order (when it was not computed as they arrived). */
async function hashStoredParts(context: ActionContext, session: SessionRecord): Promise<string> {
  const hash = context.hashing.sha1();
  for (let offset = 0; offset < session.fileSize; offset += session.dataSize) {
    for (const chunk of await reading(context.storage.readPart(session.secretId, session.fileSha, offset))) hash.update(chunk);
  }
  return hash.hex();
}

/** The assembled file is not the one announced: its parts are dropped (the session stays). */
async function dropParts(context: ActionContext, session: SessionRecord, digest: string | undefined): Promise<Answer> {
  context.runningSha1.forget(sessionKey(session.secretId, session.fileSha));
  await writing(context.storage.deleteParts(session.secretId, session.fileSha));
  return answer(
    ErrorCode.BodyInvalid,
    `the assembled file's SHA-1 is ${digest}, not fileSha ${session.fileSha}; its parts were dropped`,
    0,
  );
}

async function newFileRecord(context: ActionContext, session: SessionRecord): Promise<FileRecord> {
  return {
    fileId: await context.newFileId(),
    secretId: session.secretId,
    fileSha: session.fileSha,
    fileName: session.fileName,
    fileType: session.fileType,
    fileSize: session.fileSize,
    createdAt: context.now(),
  };
}
