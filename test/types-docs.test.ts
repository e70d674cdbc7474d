/**
 * Every TypeScript block of README.md and docs/*.md, as a user pastes it into a project that
 * installed vod-upload, type-checks under `moduleResolution` `bundler`, `nodenext` and `node16`
 * with no custom conditions: the declarations `.` resolves to must describe the one API of every
 * runtime. Each block is a module of a tiny consumer project in a temporary directory (its
 * node_modules/vod-upload links to this repository: the built dist/types), checked by tsc.
 * Names a snippet leaves to its reader (`file`, `token`, `sessionUser`, the Deno and Bun globals,
 * Cloudflare's binding types) are declared in one ambient file. Needs the build.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConsumerDir, REPO_ROOT } from './bundle-apps.js';

const run = promisify(execFile);

interface Block {
  /** e.g. `README.md:121`. */
  where: string;
  code: string;
}

/** The ```ts blocks of a Markdown file, with the line each starts on. */
function typeScriptBlocks(markdown: string, path: string): Block[] {
  const blocks: Block[] = [];
  for (const match of markdown.matchAll(/^```ts\n([\s\S]*?)^```/gm)) {
    const line = markdown.slice(0, match.index).split('\n').length;
    blocks.push({ where: `${path}:${line}`, code: match[1]! });
  }
  return blocks;
}

/** What the snippets take from their reader. */
const AMBIENT = `import type { R2BucketLike, KvLike } from 'vod-upload/workers';
declare global {
  /** A file the user picked. */
  const file: File;
  /** An upload the snippet follows. */
  const handle: import('vod-upload').UploadHandle;
  /** The page's session token. */
  const token: string;
  /** The app's own session lookup. */
  function sessionUser(request: Request): Promise<{ id: string; quotaLeft: number } | null>;
  /** Cloudflare's binding types (@cloudflare/workers-types is not installed here): what the package reads of them. */
  type R2Bucket = R2BucketLike;
  type KVNamespace = KvLike;
  const Deno: {
    env: { get(name: string): string | undefined };
    serve(options: { port: number }, handler: (request: Request) => Response | Promise<Response>): unknown;
  };
  const Bun: {
    env: Record<string, string | undefined>;
    file(path: string): Blob;
    serve(options: { port: number; fetch: (request: Request) => Response | Promise<Response> }): unknown;
  };
}
export {};
`;

const MODES = [
  { moduleResolution: 'bundler', module: 'esnext' },
  { moduleResolution: 'nodenext', module: 'nodenext' },
  { moduleResolution: 'node16', module: 'node16' },
] as const;

let dir: string;
let blocks: Block[];

beforeAll(async () => {
  dir = await makeConsumerDir('vod-types-');
  await mkdir(join(dir, 'node_modules', '@types'), { recursive: true });
  await symlink(join(REPO_ROOT, 'node_modules', '@types', 'node'), join(dir, 'node_modules', '@types', 'node'), 'dir');
  // The Node proxy example imports @hono/node-server, a dependency of the package.
  await mkdir(join(dir, 'node_modules', '@hono'), { recursive: true });
  await symlink(join(REPO_ROOT, 'node_modules', '@hono', 'node-server'), join(dir, 'node_modules', '@hono', 'node-server'), 'dir');
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { 'vod-upload': '*' } }),
  );
  const docs = [
    'README.md',
    ...(await readdir(join(REPO_ROOT, 'docs'))).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`),
  ];
  blocks = [];
  for (const path of docs) blocks.push(...typeScriptBlocks(await readFile(join(REPO_ROOT, path), 'utf8'), path));
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'src', 'ambient.d.ts'), AMBIENT);
  for (const [i, block] of blocks.entries()) {
    // `export {}` makes every block a module of its own, as a pasted file is.
    await writeFile(join(dir, 'src', `block${i}.ts`), `// ${block.where}\n${block.code}\nexport {};\n`);
  }
}, 30_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the TypeScript blocks of README.md and docs/ type-check in a consumer project', () => {
  it('finds the blocks', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    expect(blocks.map((block) => block.where)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^README\.md:/), expect.stringMatching(/^docs\/runtimes-web\.md:/)]),
    );
  });

  it.each(MODES)(
    'moduleResolution $moduleResolution',
    async ({ moduleResolution, module }) => {
      const config = {
        compilerOptions: {
          target: 'es2022',
          module,
          moduleResolution,
          lib: ['es2023', 'dom', 'dom.iterable'],
          types: ['node'],
          strict: true,
          noEmit: true,
          // Our own declarations are checked by attw (test/publish.test.ts); skipping the libraries' keeps this fast.
          skipLibCheck: true,
        },
        include: ['src'],
      };
      const tsconfig = join(dir, `tsconfig.${moduleResolution}.json`);
      await writeFile(tsconfig, JSON.stringify(config));
      const tsc = resolve(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const result = await run(process.execPath, [tsc, '-p', tsconfig, '--pretty', 'false'], { cwd: dir, timeout: 80_000 }).then(
        () => '',
        (error: { stdout?: string; code?: unknown }) => {
          // tsc exits with 1 or 2 when it found errors; anything else (killed, crashed) is a failure too.
          if (error.code !== 1 && error.code !== 2) throw new Error(`tsc did not finish: ${String(error)}`);
          return error.stdout ?? '';
        },
      );
      // Name each error by the document line its block starts on.
      const errors = result
        .split('\n')
        .filter((line) => line.includes('error TS'))
        .map((line) => line.replace(/^src\/block(\d+)\.ts/, (_, i: string) => `${blocks[Number(i)]!.where} (block line)`));
      expect(errors).toEqual([]);
    },
    90_000,
  );
});
