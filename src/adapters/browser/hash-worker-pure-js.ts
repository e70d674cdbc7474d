/**
 * The browser's second hash worker script: the pure-JavaScript engine, started only when the default
 * worker (hash-worker.ts) cannot compile WebAssembly. Slower, but the page's thread stays free.
 */
import { sparkEngine } from '../../hasher/engines/spark.js';
import { serveHashJobs } from '../../hasher/worker-main.js';

serveHashJobs([sparkEngine]);
