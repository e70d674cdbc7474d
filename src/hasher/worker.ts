/**
 * The hash worker's script (a module worker). It receives Blobs, reads and hashes them itself,
 * and answers with progress and results; see worker-protocol.ts for the messages. When the page
 * chains three copies of it (worker-chain.ts), the lead hands big jobs down the chain and only
 * reads; small jobs, and jobs of one side only, it hashes alone as before.
 */
import { CHAIN_MIN_BYTES, joinChain, type ChainLead, type ChainSetup } from './worker-chain.js';
import { createWorkerMessageHandler, parseWorkerRequest } from './worker-protocol.js';
import type { WorkerResponse } from './worker-protocol.js';

/** The part of DedicatedWorkerGlobalScope used here (the DOM lib does not describe workers). */
interface WorkerScope {
  postMessage(message: WorkerResponse): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}

const scope = globalThis as unknown as WorkerScope;
const post = (message: WorkerResponse): void => scope.postMessage(message);
const handler = createWorkerMessageHandler(post);
let lead: ChainLead | undefined;

scope.addEventListener('message', (event) => {
  const data = event.data as Partial<ChainSetup> | undefined;
  if (data?.type === 'chain') {
    lead = joinChain(data as ChainSetup) ?? lead;
    return;
  }
  if (lead) {
    const request = parseWorkerRequest(data);
    if (request?.type === 'hash' && (request.only ?? 'all') === 'all' && request.blob.size >= CHAIN_MIN_BYTES) return lead.run(request, post);
    if (request?.type === 'abort' && lead.abort(request.id)) return;
  }
  handler.handle(data);
});
post({ type: 'ready' });
