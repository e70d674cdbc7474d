import { defineConfig } from 'vite';

/**
 * The hash worker as a self-contained module (no bare imports, its engines as sibling chunks
 * loaded on demand) in dist/worker/, for bundlers that do not bundle workers: esbuild apps copy
 * this directory to their site (docs/runtimes-web.md). Vite and webpack bundle dist/hasher-worker.js.
 */
export default defineConfig({
  build: {
    target: 'es2022',
    outDir: 'dist/worker',
    emptyOutDir: true,
    sourcemap: false,
    minify: true,
    lib: { entry: { 'hasher-worker': 'src/hasher/worker.ts' }, formats: ['es'] },
    rollupOptions: { output: { chunkFileNames: 'hasher-[name]-[hash].js' } },
  },
});
