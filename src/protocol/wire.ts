/**
 * Query-string forms of each action's parameters, as a server (the emulator, the upload proxy)
 * reads them: every value arrives as a string and is checked strictly before it is trusted.
 */
import { z } from 'zod';
import {
  finishUploadParams,
  initUploadParams,
  LIMITS,
  uploadPartParams,
  type FinishUploadParams,
  type InitUploadParams,
  type UploadPartParams,
} from './schemas.js';
import type { VodAction } from './errors.js';

/** Canonical decimal integers only: no sign, no leading zeros, no exponent, at most 16 digits. */
const decimal = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15})$/, 'expected a decimal integer')
  .transform(Number);

const commonParams = z.object({
  Action: z.enum(['InitUpload', 'UploadPart', 'FinishUpload']),
  Region: z.string().min(1).max(64),
  Timestamp: decimal,
  Nonce: z.string().regex(/^[1-9][0-9]{0,19}$/, 'expected a positive integer'),
  SecretId: z.string().min(1).max(128),
  Signature: z.string().min(1).max(256),
  SignatureMethod: z.string().max(32).optional(),
  RequestClient: z.string().max(128).optional(),
});
export type CommonParams = z.infer<typeof commonParams>;
export { commonParams as commonWireParams };

/**
 * Tags arrive as `tag.N` (or the pages' `tags.N`, or `_` for `.`), N = 1..10. An index out of
 * range yields `null`, which the schema refuses.
 */
function readTags(query: Readonly<Record<string, string>>): string[] | null | undefined {
  const tags: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    const match = /^tags?[._]([0-9]+)$/.exec(name);
    if (!match) continue;
    const index = Number(match[1]);
    if (index < 1 || index > LIMITS.tagCount) return null;
    tags.push(value);
  }
  return tags.length > 0 ? tags : undefined;
}

function optionalDecimal(value: string | undefined): unknown {
  return value === undefined ? undefined : decimal.safeParse(value).success ? Number(value) : value;
}

export const initUploadWire = z.preprocess(
  (raw) => {
    const query = raw as Record<string, string>;
    return {
      fileName: query.fileName,
      fileSha: query.fileSha,
      fileSize: optionalDecimal(query.fileSize),
      dataSize: optionalDecimal(query.dataSize),
      fileType: query.fileType,
      classId: optionalDecimal(query.classId),
      isTranscode: optionalDecimal(query.isTranscode),
      isScreenshot: optionalDecimal(query.isScreenshot),
      isWatermark: optionalDecimal(query.isWatermark),
      tags: readTags(query),
    };
  },
  initUploadParams,
);

export const uploadPartWire = z.preprocess((raw) => {
  const query = raw as Record<string, string>;
  return {
    fileSha: query.fileSha,
    offset: optionalDecimal(query.offset),
    dataSize: optionalDecimal(query.dataSize),
    dataMd5: query.dataMd5,
  };
}, uploadPartParams);

export const finishUploadWire = z.preprocess((raw) => ({ fileSha: (raw as Record<string, string>).fileSha }), finishUploadParams);

export interface ActionParams {
  InitUpload: InitUploadParams;
  UploadPart: UploadPartParams;
  FinishUpload: FinishUploadParams;
}

/** The wire schema of each action. */
export const wireSchemas: { [A in VodAction]: z.ZodType<ActionParams[A]> } = {
  InitUpload: initUploadWire as z.ZodType<InitUploadParams>,
  UploadPart: uploadPartWire as z.ZodType<UploadPartParams>,
  FinishUpload: finishUploadWire as z.ZodType<FinishUploadParams>,
};

/** Turns typed parameters into their query-string form (the client's direction). */
export function toWire(params: InitUploadParams | UploadPartParams | FinishUploadParams): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (name === 'tags' && Array.isArray(value)) value.forEach((tag, i) => (query[`tag.${i + 1}`] = String(tag)));
    else query[name] = String(value);
  }
  return query;
}
