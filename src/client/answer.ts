/**
 * Turning what came back over HTTP into a typed result or a {@link VodError}: bounded reading,
 * exact big-integer fileIds, and zod validation of every answer.
 */
import * as z from 'zod/mini';
import { ClientErrorCode, errorDescriptions, VodError, type VodAction } from '../protocol/errors.js';
import { answerEnvelope, LIMITS } from '../protocol/schemas.js';
import { describeIssue } from '../protocol/validate.js';
import { readTextAtMost } from '../util/read-text.js';

const EXCERPT_LENGTH = 200;

/** An answer longer than the limit: the server is not speaking this protocol, so asking again won't help. */
export class AnswerTooLarge extends RangeError {
  constructor(readonly limit: number) {
    super(`answer exceeds the ${limit}-byte limit`);
    this.name = 'AnswerTooLarge';
  }
}

/** Reads a response's text, refusing more than `limit` bytes (a hostile server can't exhaust memory). */
export async function readBoundedText(response: Response, limit: number = LIMITS.answerBytes, onChunk?: () => void): Promise<string> {
  const text = await readTextAtMost(response, limit, onChunk);
  if (text === undefined) throw new AnswerTooLarge(limit);
  return text;
}

/**
 * Parses JSON keeping `fileId` exact: a server may send it as a bare number above 2^53, whose
 * digits `JSON.parse` would round. The digits are quoted in the raw text before parsing.
 */
export function parseAnswerJson(text: string): unknown {
  return JSON.parse(text.replace(/("fileId"\s*:\s*)(-?\d[\d.eE+-]*)/g, '$1"$2"'));
}

function excerpt(text: string): string {
  return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}…` : text;
}

/** A transport-level status worth retrying: overload, gateway trouble, rate limiting. */
function statusCanRetry(status: number): boolean {
  return status >= 500 || status === 429 || status === 408 || (status >= 200 && status < 300);
}

/**
 * Validates an answer for `action`: protocol error codes become a {@link VodError}; a non-JSON
 * or schema-breaking answer becomes one too, saying what came back. `okCodes` are the codes
 * that mean success for this action; `schema` validates the success shape.
 */
export function interpretAnswer<S extends z.ZodMiniType>(
  action: VodAction,
  status: number,
  text: string,
  okCodes: readonly number[],
  schema: S,
): z.output<S> {
  let json: unknown;
  try {
    json = parseAnswerJson(text);
  } catch (cause) {
    throw new VodError({
      code: ClientErrorCode.NotJson,
      message: `${action}: the answer was not JSON (HTTP ${status}): ${JSON.stringify(excerpt(text))}`,
      canRetry: statusCanRetry(status),
      action,
      status,
      body: excerpt(text),
      cause,
    });
  }
  const envelope = z.safeParse(answerEnvelope, json);
  if (!envelope.success) throw badAnswer(action, status, text, envelope.error);
  const { code, message, codeDesc, canRetry } = envelope.data;
  if (!okCodes.includes(code)) {
    const meaning = errorDescriptions[code] ?? 'unexpected code';
    throw new VodError({
      code,
      message: `${action} failed with code ${code} (${meaning})${message ? `: ${message}` : ''}`,
      canRetry,
      action,
      codeDesc,
      status,
    });
  }
  if (status < 200 || status >= 300) {
    throw badAnswer(action, status, text, new Error(`code ${code} with HTTP ${status}`));
  }
  const parsed = z.safeParse(schema, json);
  if (!parsed.success) throw badAnswer(action, status, text, parsed.error);
  return parsed.data;
}

function badAnswer(action: VodAction, status: number, text: string, cause: Error): VodError {
  const detail =
    'issues' in cause && Array.isArray(cause.issues)
      ? (cause.issues as (Parameters<typeof describeIssue>[0] & { path: PropertyKey[] })[])
          .slice(0, 3)
          .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: expected ${describeIssue(issue)}`)
          .join('; ')
      : cause.message;
  return new VodError({
    code: ClientErrorCode.BadAnswer,
    message: `${action}: the answer broke the protocol (${detail}): ${JSON.stringify(excerpt(text))}`,
    canRetry: false,
    action,
    status,
    body: excerpt(text),
    cause,
  });
}
