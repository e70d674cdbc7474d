/**
 * The CLI as a user runs it, built from the current sources into a private sandbox (inside
 * node_modules, so it resolves its dependencies from the project) with a copy of the bin script.
 * Tests never touch the shared dist/.
 */
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import pkg from '../../package.json' with { type: 'json' };

export const PROJECT = resolve(import.meta.dirname, '../..');

/** The sandbox folder and the bin script inside it. */
export function cliSandbox(name: string): { sandbox: string; bin: string } {
  const sandbox = join(PROJECT, 'node_modules', '.cache', `${name}-${process.pid}`);
  return { sandbox, bin: join(sandbox, 'bin', 'vod-upload.js') };
}

/** Builds src/cli/main.ts and the Node hash worker into the sandbox `name`, and copies the bin scripts next to them. */
export async function buildCliSandbox(name: string): Promise<void> {
  const { sandbox } = cliSandbox(name);
  const external = [...builtinModules, ...Object.keys(pkg.dependencies)];
  await build({
    configFile: false,
    logLevel: 'error',
    root: PROJECT,
    build: {
      outDir: join(sandbox, 'dist'),
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      // The hash worker's script too: the CLI starts it by path next to its own modules, as from the package.
      lib: {
        entry: { cli: join(PROJECT, 'src/cli/main.ts'), 'node-hash-worker': join(PROJECT, 'src/adapters/node/hash-worker.ts') },
        formats: ['es'],
      },
      rollupOptions: { external: (id) => id.startsWith('node:') || external.some((dep) => id === dep || id.startsWith(`${dep}/`)) },
    },
  });
  await mkdir(join(sandbox, 'bin'), { recursive: true });
  // The bin script and what it imports beside it (lean-heap.js).
  for (const script of await readdir(join(PROJECT, 'bin'))) await copyFile(join(PROJECT, 'bin', script), join(sandbox, 'bin', script));
}
