/**
 * Checking caller input against a schema, failing with a {@link VodArgumentError} that names the
 * parameter and says what was expected.
 */
import * as z from 'zod/mini';
import { VodArgumentError } from './errors.js';

/** The parts of a zod issue read here (zod/mini loads no message locale, so its own texts say only "Invalid input"). */
interface Issue {
  code: string;
  message: string;
  expected?: unknown;
  values?: readonly unknown[];
  minimum?: unknown;
  maximum?: unknown;
  origin?: string;
}

/** What an issue says was expected, from its fields, or from our own message where a schema gave one. */
export function describeIssue(issue: Issue): string {
  const custom = issue.message && issue.message !== 'Invalid input' ? issue.message.replace(/^expected\s+/i, '') : '';
  if (custom) return custom;
  const measure = issue.origin === 'string' || issue.origin === 'array' ? `${issue.origin} of length ` : '';
  switch (issue.code) {
    case 'invalid_type':
      return `${String(issue.expected)}`;
    case 'invalid_value':
      return `one of ${(issue.values ?? []).map((value) => JSON.stringify(value)).join(', ')}`;
    case 'too_small':
      return `${measure || `${issue.origin ?? 'value'} `}≥ ${String(issue.minimum)}`;
    case 'too_big':
      return `${measure || `${issue.origin ?? 'value'} `}≤ ${String(issue.maximum)}`;
    case 'invalid_union':
      return 'one of the allowed values';
    default:
      return 'a valid value';
  }
}

/** `value` parsed by `schema`, or a VodArgumentError naming the first bad parameter (`what` for the whole). */
export function parseArgument<S extends z.ZodMiniType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = issue.path.length > 0 ? issue.path.map(String).join('.') : what;
  const received = issue.path.reduce<unknown>(
    // zod reports paths through values that exist, so every node before the last is a non-null object.
    // Stryker disable next-line ConditionalExpression,LogicalOperator: see above; the check only guards against a future zod.
    (node, key) => (node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined),
    value,
  );
  throw new VodArgumentError(name, describeIssue(issue), received);
}
