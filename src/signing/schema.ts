/**
 * The signing endpoint's own small wire format, shared by `createSigningHandler` (server) and
 * `createRemoteSigner` (browser), validated with zod in both directions.
 *
 *   POST { requests: [{ method, host, path, params }, …] }
 *   200  { signatures: [{ …params, SecretId, Signature }, …] }   (same order)
 *   4xx/5xx { error: { code, message } }
 */
import * as z from 'zod/mini';
import { SIGNING_LIMITS } from './limits.js';

export { SIGNING_LIMITS } from './limits.js';

/** A string of `min`…`max` characters. */
const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));

const paramsRecord = z
  .record(text(1, SIGNING_LIMITS.nameLength), text(0, SIGNING_LIMITS.valueLength))
  .check(z.refine((params) => Object.keys(params).length <= SIGNING_LIMITS.params, `expected at most ${SIGNING_LIMITS.params} parameters`));

/** One parameter set to sign; the shape of `SignInput`. */
export const signItem = z.object({
  method: z.enum(['GET', 'POST']),
  host: text(1, SIGNING_LIMITS.hostLength).check(
    z.regex(/^[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/, 'expected a host name with an optional :port'),
  ),
  path: text(1, SIGNING_LIMITS.pathLength).check(z.startsWith('/')),
  params: paramsRecord,
});
export type SignItem = z.infer<typeof signItem>;

/** What the remote signer sends. `max` is applied by the handler (it knows its own cap). */
export const signingRequest = z.object({ requests: z.array(z.unknown()).check(z.minLength(1, 'expected at least one parameter set')) });

/** What the handler answers on success: every set, complete and signed, in request order. */
export const signingResponse = z.object({
  signatures: z.array(
    paramsRecord.check(
      z.refine((params) => typeof params.SecretId === 'string' && typeof params.Signature === 'string', 'expected SecretId and Signature'),
    ),
  ),
});
export type SigningResponse = z.infer<typeof signingResponse>;

/** Error codes the handler answers with, each with its HTTP status. */
export const SigningErrorCode = {
  BadRequest: 'BAD_REQUEST',
  BatchTooLarge: 'BATCH_TOO_LARGE',
  BodyTooLarge: 'BODY_TOO_LARGE',
  NotAllowed: 'NOT_ALLOWED',
  Unauthorized: 'UNAUTHORIZED',
  Forbidden: 'FORBIDDEN',
  MethodNotAllowed: 'METHOD_NOT_ALLOWED',
  Internal: 'INTERNAL',
} as const;
export type SigningErrorCodeValue = (typeof SigningErrorCode)[keyof typeof SigningErrorCode];

export const signingError = z.object({
  error: z.object({
    code: text(0, 64),
    message: text(0, 4096),
    index: z.optional(z.int().check(z.minimum(0))),
    /** With `BATCH_TOO_LARGE`: the most sets the endpoint signs per request. */
    maxBatch: z.optional(z.int().check(z.minimum(1))),
  }),
});
export type SigningError = z.infer<typeof signingError>;
