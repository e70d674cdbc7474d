/**
 * The browser's default hash worker script: WebAssembly engines only, so that it stays small. Where
 * WebAssembly cannot compile (a CSP without `wasm-unsafe-eval`, a browser's lockdown mode) it
 * answers that no engine loads, and the page moves to hash-worker-pure-js.ts.
 */
import { wasmEngine } from '../../hasher/engines/wasm.js';
import { serveHashJobs } from '../../hasher/worker-main.js';

serveHashJobs([wasmEngine]);
