/**
 * Checking caller input against a schema, failing with a {@link VodArgumentError} that names the
 * parameter and says what was expected.
 */
import type { z } from 'zod';
import { VodArgumentError } from './errors.js';

/** zod's message without its generic prefix, phrased as what was expected. */
function expectation(message: string): string {
  const detail = message.replace(/^Invalid input:?\s*/i, '').replace(/^expected\s+/i, '');
  return detail.length > 0 ? detail : 'a valid value';
}

/** `value` parsed by `schema`, or a VodArgumentError naming the first bad parameter (`what` for the whole). */
export function parseArgument<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = issue.path.length > 0 ? issue.path.map(String).join('.') : what;
  const received = issue.path.reduce<unknown>(
    (node, key) => (node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined),
    value,
  );
  throw new VodArgumentError(name, expectation(issue.message), received);
}
