import { defineConfig } from 'vitest/config';
import { builtinModules } from 'node:module';
import pkg from './package.json' with { type: 'json' };

/** Library entries: one per public subpath of package.json `exports`, plus the CLI. */
const entries = {
  index: 'src/index.ts',
  node: 'src/adapters/node/index.ts',
  browser: 'src/adapters/browser/index.ts',
  deno: 'src/adapters/deno/index.ts',
  bun: 'src/adapters/bun/index.ts',
  workers: 'src/adapters/workers/index.ts',
  proxy: 'src/proxy/index.ts',
  emulator: 'src/emulator/index.ts',
  cli: 'src/cli/main.ts',
};

const external = [
  ...builtinModules,
  ...builtinModules.map((name) => `node:${name}`),
  ...Object.keys(pkg.dependencies ?? {}),
];

export default defineConfig({
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    lib: { entry: entries, formats: ['es'] },
    rollupOptions: {
      external: (id) => external.some((name) => id === name || id.startsWith(`${name}/`)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
