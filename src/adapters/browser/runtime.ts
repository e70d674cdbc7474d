/**
 * The engine bound to the browser's services: a module Web Worker hasher and IndexedDB
 * checkpoints. Its own module so that the page entry can import it on the first `upload()`.
 */
import { bindUpload, type BoundUpload } from '../../core/bind-upload.js';
import { createBrowserWorkerHasher } from './hasher.js';
import { createIdbCheckpointStore } from './idb-checkpoints.js';

let bound: BoundUpload | undefined;

/** Binds the engine on first use: importing this module builds nothing. */
export function browserRuntime(): BoundUpload {
  return (bound ??= bindUpload({
    createHasher: () => createBrowserWorkerHasher(),
    createCheckpointStore: () => createIdbCheckpointStore(),
  }));
}
