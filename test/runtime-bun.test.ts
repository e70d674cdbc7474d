/** The runtime matrix, Bun (see runtimes/server-matrix-suite.ts). */
import { serverRuntimeSuite } from './runtimes/server-matrix-suite.js';

serverRuntimeSuite('bun', { engine: 'bun', hasher: 'with Bun.CryptoHasher on a Web Worker' });
