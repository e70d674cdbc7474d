/**
 * zod schemas for every action's parameters and answers (docs/protocol.md). Types flow from here.
 * Written with `zod/mini` (functions instead of methods) so that a browser bundle carries only
 * the checks it uses: these schemas ship to every page that uploads.
 */
import * as z from 'zod/mini';
import { FILE_TYPE_PATTERN, LIMITS, type PartSize } from './constants.js';

export { PART_SIZES, DEFAULT_ENDPOINT, PROTOCOL_PATHS, LIMITS, FILE_TYPE_PATTERN, type PartSize } from './constants.js';

export const sha1Hex = z.string().check(z.regex(/^[0-9a-f]{40}$/, 'expected 40 lower-case hex digits (SHA-1)'));
export const md5Hex = z.string().check(z.regex(/^[0-9a-f]{32}$/, 'expected 32 lower-case hex digits (MD5)'));
export const partSize = z.union([z.literal(524288), z.literal(1048576)]);
/** An integer in [min, max]. */
const integer = (min: number, max: number = Number.MAX_SAFE_INTEGER) => z.int().check(z.minimum(min), z.maximum(max));
const FORBIDDEN_NAME_CHARS = /[\\/:*?"<>]/;

/** A file name as the protocol takes it: ≤ 40 UTF-8 bytes, no extension, none of `\ / : * ? " < >`. */
export const fileName = z.string().check(
  z.minLength(1, 'expected a non-empty name'),
  z.refine((name) => new TextEncoder().encode(name).length <= LIMITS.fileNameBytes, 'expected at most 40 UTF-8 bytes'),
  z.refine((name) => !FORBIDDEN_NAME_CHARS.test(name), 'expected none of \\ / : * ? " < >'),
);

export const fileType = z.string().check(z.regex(FILE_TYPE_PATTERN, 'expected an extension without the dot, like "mp4"'));

const flag = z.union([z.literal(0), z.literal(1)]);

export const initUploadParams = z.object({
  fileName,
  fileSha: sha1Hex,
  fileSize: integer(1),
  dataSize: partSize,
  fileType,
  classId: z.optional(integer(0)),
  isTranscode: z.optional(flag),
  isScreenshot: z.optional(flag),
  isWatermark: z.optional(flag),
  tags: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(LIMITS.tagLength))).check(z.maxLength(LIMITS.tagCount))),
});
export type InitUploadParams = z.infer<typeof initUploadParams>;

/** InitUpload's optional extras (class, flags, tags): checked before any hashing. */
export const initExtrasParams = z.pick(initUploadParams, {
  classId: true,
  isTranscode: true,
  isScreenshot: true,
  isWatermark: true,
  tags: true,
});

export const uploadPartParams = z.object({
  fileSha: sha1Hex,
  offset: integer(0),
  dataSize: integer(1, 1048576),
  dataMd5: md5Hex,
});
export type UploadPartParams = z.infer<typeof uploadPartParams>;

export const finishUploadParams = z.object({ fileSha: sha1Hex });
export type FinishUploadParams = z.infer<typeof finishUploadParams>;

// ---------------------------------------------------------------------------------- answers

const canRetry = z.pipe(
  z.union([z.literal(0), z.literal(1), z.boolean()]),
  z.transform((value: 0 | 1 | boolean) => value === 1 || value === true),
);
const text = z.string().check(z.maxLength(LIMITS.messageLength));

/** Fields every answer has. `code` decides the rest. */
export const answerEnvelope = z.object({
  code: z.int(),
  message: z._default(text, ''),
  codeDesc: z._default(text, ''),
  canRetry: z._default(canRetry, false),
});
export type AnswerEnvelope = z.infer<typeof answerEnvelope>;

/** A fileId is a decimal string that can exceed 2^63: never a number. */
export const fileId = z.string().check(z.regex(/^[0-9]{1,40}$/, 'expected a decimal string'));
const url = z.string().check(z.maxLength(LIMITS.urlLength), z.regex(/^https?:\/\/\S+$/, 'expected an http(s) URL'));

/** One part the service already holds; one SDK reads `dataLen`, so either name is accepted. */
export const listedPart = z.pipe(
  z
    .object({
      offset: integer(0),
      dataSize: z.optional(integer(1, 1048576)),
      dataLen: z.optional(integer(1, 1048576)),
      dataMd5: md5Hex,
    })
    .check(z.refine((part) => part.dataSize !== undefined || part.dataLen !== undefined, 'expected dataSize or dataLen')),
  z.transform((part: { offset: number; dataSize?: number | undefined; dataLen?: number | undefined; dataMd5: string }) => ({
    offset: part.offset,
    dataSize: (part.dataSize ?? part.dataLen)!,
    dataMd5: part.dataMd5,
  })),
);
export type ListedPart = z.output<typeof listedPart>;

export const initUploadNew = z.object({ code: z.literal(0) });
export const initUploadResume = z.object({
  code: z.literal(1),
  dataSize: partSize,
  listParts: z._default(z.array(listedPart).check(z.maxLength(LIMITS.listParts)), []),
});
export const initUploadInstant = z.object({ code: z.literal(2), fileId, url });

/** What InitUpload tells the client to do next. */
export type InitUploadResult =
  | { kind: 'new' }
  | { kind: 'resume'; dataSize: PartSize; listParts: ListedPart[] }
  | { kind: 'instant'; fileId: string; url: string };

export const finishUploadAnswer = z.object({ code: z.literal(0), fileId, url });
export type FinishUploadResult = { fileId: string; url: string };
