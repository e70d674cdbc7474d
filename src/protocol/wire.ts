/**
 * Query-string forms of each action's parameters, as a server (the emulator, the upload proxy)
 * reads them: every value arrives as a string and is checked strictly before it is trusted.
 * Server-side only (no public entry exports these); the client's direction is to-wire.ts.
 */
import * as z from 'zod/mini';
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
const decimalText = z.string().check(z.regex(/^(0|[1-9][0-9]{0,15})$/, 'expected a decimal integer'));
const decimal = z.pipe(decimalText, z.transform(Number));
/** A string of `min`…`max` characters. */
const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));

const commonParams = z.object({
  Action: z.enum(['InitUpload', 'UploadPart', 'FinishUpload']),
  Region: text(1, 64),
  Timestamp: decimal,
  Nonce: z.string().check(z.regex(/^[1-9][0-9]{0,19}$/, 'expected a positive integer')),
  SecretId: text(1, 128),
  Signature: text(1, 256),
  SignatureMethod: z.optional(text(0, 32)),
  RequestClient: z.optional(text(0, 128)),
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
  // Stryker disable next-line ConditionalExpression: undefined fails decimalText and comes back as itself either way.
  return value === undefined ? undefined : decimalText.safeParse(value).success ? Number(value) : value;
}

/** `schema` applied to what `prepare` makes of the raw query (zod's preprocess). */
function fromQuery<T>(prepare: (query: Record<string, string>) => unknown, schema: z.ZodMiniType<T>): z.ZodMiniType<T> {
  return z.pipe(
    z.transform((raw: unknown) => prepare(raw as Record<string, string>)),
    schema,
  ) as unknown as z.ZodMiniType<T>;
}

export const initUploadWire = fromQuery((query) => {
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
}, initUploadParams);

export const uploadPartWire = fromQuery((query) => {
  return {
    fileSha: query.fileSha,
    offset: optionalDecimal(query.offset),
    dataSize: optionalDecimal(query.dataSize),
    dataMd5: query.dataMd5,
  };
}, uploadPartParams);

export const finishUploadWire = fromQuery((query) => ({ fileSha: query.fileSha }), finishUploadParams);

export interface ActionParams {
  InitUpload: InitUploadParams;
  UploadPart: UploadPartParams;
  FinishUpload: FinishUploadParams;
}

/** The wire schema of each action. */
export const wireSchemas: { [A in VodAction]: z.ZodMiniType<ActionParams[A]> } = {
  InitUpload: initUploadWire,
  UploadPart: uploadPartWire,
  FinishUpload: finishUploadWire,
};

export { toWire } from './to-wire.js';
