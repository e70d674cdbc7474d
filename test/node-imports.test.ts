/**
 * The "no Node built-ins" check used on Worker bundles catches every import form, so a bundle
 * that needs Node cannot pass it.
 */
import { describe, expect, it } from 'vitest';
import { nodeImportsIn } from './helpers/node-imports.js';

describe('nodeImportsIn', () => {
  it.each([
    ['static, prefixed', `import { createHash } from "node:crypto";`, ['node:crypto']],
    ['static, bare', `import fs from 'fs';`, ['fs']],
    ['bare subpath', `import { readFile } from "fs/promises";`, ['fs/promises']],
    ['side effect', `import "node:process";`, ['node:process']],
    ['re-export', `export { Buffer } from "buffer";`, ['buffer']],
    ['dynamic, prefixed', `const m = await import("node:worker_threads");`, ['node:worker_threads']],
    ['dynamic, bare, spaced', `await import ( 'os' )`, ['os']],
    ['require', `const path = require("path");`, ['path']],
    ['minified', `import{a as b}from"node:fs";import("net")`, ['node:fs', 'net']],
  ])('finds %s', (_name, code, expected) => {
    expect(nodeImportsIn(code)).toEqual(expected);
  });

  it('leaves packages and relative modules alone', () => {
    expect(nodeImportsIn(`import { z } from "zod/mini"; import x from './fs.js'; import("./os.js"); const w = "from node:fs";`)).toEqual(
      [],
    );
  });
});
