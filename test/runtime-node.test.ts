/** The runtime matrix, Node (see runtimes/server-matrix-suite.ts). */
import { serverRuntimeSuite } from './runtimes/server-matrix-suite.js';

serverRuntimeSuite('node', { engine: 'node', hasher: 'on a worker thread with node:crypto' });
