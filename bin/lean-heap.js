// V8 flags for a lean heap in a long upload, set by the `vod-upload` command before it loads the CLI.
import { setFlagsFromString } from 'node:v8';

/**
 * --optimize-for-size: smaller old-generation growth steps (an upload makes short-lived garbage
 * per part; with V8's default steps the old generation grew by ~0.1 MiB per part between
 * collections). --semi-space-growth-factor=1: the young generation keeps its first size (else it
 * doubles up to 16 MiB, as each part's request objects outlive a few scavenges;
 * --max-semi-space-size works only on the command line).
 *
 * Starting a Worker (the hash workers) resets V8's flags to the command line's, so they are set
 * again once each worker runs: without that, both were lost from the hashing phase on.
 */
export function leanHeap() {
  const apply = () => {
    setFlagsFromString('--optimize-for-size');
    setFlagsFromString('--semi-space-growth-factor=1');
  };
  apply();
  process.on('worker', (worker) => worker.once('online', apply));
}
