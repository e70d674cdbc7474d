/**
 * The default hash worker's script: WebAssembly engines only, so that it stays small. Where
 * WebAssembly cannot compile (a CSP without `wasm-unsafe-eval`, a browser's lockdown mode) it
 * answers that no engine loads, and the page moves to worker-pure-js.ts.
 */
import { wasmEngine } from './engines/wasm.js';
import { serveHashJobs } from './worker-main.js';

serveHashJobs([wasmEngine]);
