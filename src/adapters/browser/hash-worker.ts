/**
 * The browser's default hash worker script: WebAssembly engines only, so that it stays small. Where
 * WebAssembly cannot compile (a CSP without `wasm-unsafe-eval`, a browser's lockdown mode) it
 * answers that no engine loads, and the page moves to hash-worker-pure-js.ts.
 */
import { wasmEngine } from '../../hasher/engines/wasm.js';
import { hashFromPipe, sendThroughPipe } from '../../hasher/pipe.js';
import { serveHashJobs } from '../../hasher/worker-main.js';

// With the two-worker pipeline's ends: two workers of this script hash a large file together.
serveHashJobs([wasmEngine], { send: sendThroughPipe, receive: hashFromPipe });
