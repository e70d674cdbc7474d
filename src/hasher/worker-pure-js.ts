/**
 * The second hash worker's script: the pure-JavaScript engine, started only when the default
 * worker (worker.ts) cannot compile WebAssembly. Slower, but the page's thread stays free.
 */
import { sparkEngine } from './engines/spark.js';
import { serveHashJobs } from './worker-main.js';

serveHashJobs([sparkEngine]);
