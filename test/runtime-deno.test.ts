/** The runtime matrix, Deno (see runtimes/server-matrix-suite.ts). */
import { serverRuntimeSuite } from './runtimes/server-matrix-suite.js';

serverRuntimeSuite('deno', { engine: 'node', hasher: 'with node:crypto on a module Web Worker' });
