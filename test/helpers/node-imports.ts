/**
 * Finds the Node built-ins a bundle still imports, in every form a bundler may leave: static
 * `import … from`, side-effect `import '…'`, `export … from`, dynamic `import(…)` and `require(…)`,
 * with or without the `node:` prefix (`"fs"` is as fatal in workerd as `"node:fs"`).
 */
import { builtinModules } from 'node:module';

const BUILTINS = new Set(builtinModules);
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(["'`])([^"'`\s]+)\1/g;

/** The built-in module specifiers `code` imports, in order of appearance (deduplicated). */
export function nodeImportsIn(code: string): string[] {
  const found = new Set<string>();
  for (const match of code.matchAll(SPECIFIER)) {
    const specifier = match[2]!;
    if (specifier.startsWith('node:') || BUILTINS.has(specifier)) found.add(specifier);
  }
  return [...found];
}
