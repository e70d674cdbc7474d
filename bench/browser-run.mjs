// `npm run bench -- browser` (and the end of a full `npm run bench`): the browser table of
// bench/browser.ts, loaded through Vite's module runner (it is TypeScript and drives the test
// harness's browsers). Merges its section into bench/results.json.
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const vite = await createServer({ server: { middlewareMode: true, hmr: false }, appType: 'custom', logLevel: 'warn', configFile: false });
try {
  const module = await vite.ssrLoadModule(fileURLToPath(new URL('./browser.ts', import.meta.url)));
  await module.main();
} finally {
  await vite.close();
}
