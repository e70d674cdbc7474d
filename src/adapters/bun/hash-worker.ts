/**
 * The Bun hash worker's script, built to `dist/bun-hash-worker.js` and started as a Web Worker by
 * web-worker.ts: `Bun.CryptoHasher`. `Bun.file()` Blobs are posted to it as they are (Bun clones
 * them by reference), so it needs no file opener.
 */
import { startServerHashWorker } from '../shared/server-hash-worker.js';
import { webWorkerPorts } from '../shared/worker-scope.js';
import { bunCryptoEngine } from './native-hash-engine.js';

startServerHashWorker({ engine: bunCryptoEngine, ...webWorkerPorts() });
