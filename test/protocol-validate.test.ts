import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { describeIssue, parseArgument, VodArgumentError } from '../src/protocol/index.js';

/** The VodArgumentError `parseArgument` throws for `value`. */
function refusal(schema: z.ZodMiniType, value: unknown, what = 'options'): VodArgumentError {
  try {
    parseArgument(schema, value, what);
  } catch (error) {
    if (error instanceof VodArgumentError) return error;
    throw error;
  }
  throw new Error('expected a VodArgumentError');
}

describe('describeIssue: what was expected, from a zod issue', () => {
  it('uses a schema message when it has one, without a leading "expected"', () => {
    expect(describeIssue({ code: 'custom', message: 'Expected 40 hex digits' })).toBe('40 hex digits');
    expect(describeIssue({ code: 'custom', message: 'a name without dots' })).toBe('a name without dots');
    expect(describeIssue({ code: 'custom', message: 'expected   3 digits' })).toBe('3 digits');
    expect(describeIssue({ code: 'custom', message: 'not what is expected here' })).toBe('not what is expected here');
  });

  it('reads the issue fields for each kind of issue when the message is zod mini\'s "Invalid input"', () => {
    const invalid = 'Invalid input';
    expect(describeIssue({ code: 'invalid_type', message: invalid, expected: 'number' })).toBe('number');
    expect(describeIssue({ code: 'invalid_value', message: invalid, values: ['a', 1] })).toBe('one of "a", 1');
    expect(describeIssue({ code: 'invalid_value', message: invalid })).toBe('one of ');
    expect(describeIssue({ code: 'too_small', message: invalid, origin: 'number', minimum: 1 })).toBe('number ≥ 1');
    expect(describeIssue({ code: 'too_small', message: invalid, origin: 'string', minimum: 1 })).toBe('string of length ≥ 1');
    expect(describeIssue({ code: 'too_small', message: invalid, minimum: 0 })).toBe('value ≥ 0');
    expect(describeIssue({ code: 'too_big', message: invalid, origin: 'array', maximum: 10 })).toBe('array of length ≤ 10');
    expect(describeIssue({ code: 'too_big', message: invalid, origin: 'int', maximum: 5 })).toBe('int ≤ 5');
    expect(describeIssue({ code: 'too_big', message: invalid, maximum: 5 })).toBe('value ≤ 5');
    expect(describeIssue({ code: 'invalid_union', message: invalid })).toBe('one of the allowed values');
    expect(describeIssue({ code: 'unrecognized_keys', message: invalid })).toBe('a valid value');
    expect(describeIssue({ code: 'invalid_type', message: '', expected: 'string' })).toBe('string');
  });
});

describe('parseArgument', () => {
  const schema = z.object({ partSize: z.union([z.literal(524288), z.literal(1048576)]), retry: z.optional(z.object({ count: z.int() })) });

  it('returns the parsed value when it fits', () => {
    expect(parseArgument(schema, { partSize: 524288 }, 'options')).toEqual({ partSize: 524288 });
  });

  it('names the first bad parameter by its path and shows the value found there', () => {
    const error = refusal(schema, { partSize: 524288, retry: { count: 'x' } });
    expect(error.parameter).toBe('retry.count');
    expect(error.message).toBe('Invalid retry.count: expected number, got "x"');
  });

  it('names the whole argument when the value itself is wrong', () => {
    const error = refusal(schema, 7, 'uploadOptions');
    expect(error.parameter).toBe('uploadOptions');
    expect(error.message).toBe('Invalid uploadOptions: expected object, got 7');
  });

  it('says nothing was given when the path leads through a missing object', () => {
    const error = refusal(schema, { partSize: 1 });
    expect(error.parameter).toBe('partSize');
    expect(error.message).toBe('Invalid partSize: expected one of the allowed values, got 1');
    const missing = refusal(z.object({ a: z.object({ b: z.string() }) }), { a: null });
    expect(missing.parameter).toBe('a');
    expect(missing.message).toBe('Invalid a: expected object, got null');
  });
});
