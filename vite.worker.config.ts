import { defineConfig } from 'vite';

/**
 * The hash workers as self-contained modules (no bare imports) in dist/worker/, for bundlers that
 * do not bundle workers: esbuild apps copy this directory to their site (docs/runtimes-web.md).
 * hasher-worker.js is the default (WebAssembly); pure-js-hasher-worker.js is started only where
 * WebAssembly cannot compile. Vite and webpack bundle dist/hasher-worker.js and its sibling.
 */
export default defineConfig({
  build: {
    target: 'es2022',
    outDir: 'dist/worker',
    emptyOutDir: true,
    sourcemap: false,
    minify: true,
    lib: {
      entry: {
        'hasher-worker': 'src/adapters/browser/hash-worker.ts',
        'pure-js-hasher-worker': 'src/adapters/browser/hash-worker-pure-js.ts',
      },
      formats: ['es'],
    },
    rollupOptions: { output: { chunkFileNames: 'hasher-[name]-[hash].js' } },
  },
});
