// `npm run chaos`: runs scripts/chaos-main.ts (TypeScript, importing the sources) through Vite's
// module runner and exits with its status, so the runs' leftovers never keep the process alive.
import { runnerImport } from 'vite';

const { module } = await runnerImport(new URL('./chaos-main.ts', import.meta.url).pathname, { configFile: false, logLevel: 'error' });
process.exit(module.exitCode);
