/**
 * `vod-upload` under the `deno` export condition: the API of src/index.ts (whose declarations
 * describe it), with this runtime's `upload`. Helpers only this runtime has are in `vod-upload/deno`.
 */
import { createUploadQueue as runtimeQueue, upload as runtimeUpload } from '../adapters/deno/index.js';
import type { CreateUploadQueueFunction, UploadFunction } from '../core/bind-upload.js';

export * from '../api.js';

export const upload: UploadFunction = runtimeUpload;
export const createUploadQueue: CreateUploadQueueFunction = runtimeQueue;
