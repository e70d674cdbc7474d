export { createVodClient, type VodClient, type VodClientOptions, type RequestOptions, type RequestPacer, type PartBody } from './client.js';
export { parseAnswerJson } from './answer.js';
export type { BeforeRequestHook, OutgoingRequest } from './request-hook.js';
