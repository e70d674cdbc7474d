/**
 * Command-line parsing shared by the commands: node:util's parseArgs with short usage errors
 * that name the flag, suggest the closest known one (`--concurency` → `--concurrency`) and point
 * at `--help` instead of printing all of it.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import leven from 'leven';
import { UsageError } from './usage-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What {@link parseFlags} returns: parseArgs's typed values and positionals. */
export type ParsedFlags<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: boolean }>
>;

/** The known flag closest to `given`, when it is close enough to be a typo. */
export function closestFlag(given: string, known: readonly string[]): string | undefined {
  const bare = given.replace(/^-+/, '').split('=')[0] ?? '';
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = leven(bare, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(bare.length / 3)) && best.distance < bare.length ? `--${best.name}` : undefined;
}

/** A usage error for `command`: the problem, and where the options are listed. */
export function usageError(command: string, message: string): UsageError {
  return new UsageError(`${message}\n(see: ${command} --help)`);
}

/** parseArgs with the errors rewritten as short {@link UsageError}s. */
export function parseFlags<O extends Options>(
  command: string,
  argv: readonly string[],
  options: O,
  allowPositionals: boolean,
): ParsedFlags<O> {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const unknown = /^Unknown option '([^']+)'/.exec(text)?.[1];
    if (unknown !== undefined) {
      const suggestion = closestFlag(unknown, Object.keys(options));
      throw usageError(command, `unknown option ${unknown}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`);
    }
    const missing = /^Option '([^']+)' argument missing/.exec(text)?.[1];
    if (missing !== undefined) throw usageError(command, `${missing}: a value is missing`);
    const positional = /^Unexpected argument '([^']+)'/.exec(text)?.[1];
    if (positional !== undefined) throw usageError(command, `unexpected argument ${positional}`);
    throw usageError(command, text.split('. ')[0] ?? text);
  }
}
