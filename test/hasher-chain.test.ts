/**
 * The browser hasher's worker chain (lead reads, sha1 and md5 stages hash), wired over real
 * MessageChannels as the page wires three workers. Results are checked against node:crypto.
 * (The runtime matrix runs it in Chromium, Firefox and WebKit, in real workers.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CHAIN_MIN_BYTES, joinChain, type ChainLead } from '../src/hasher/worker-chain.js';
import type { WorkerResponse } from '../src/hasher/worker-protocol.js';
import { SlowBlob, expected, oddBlob, randomBytes } from './hasher-helpers.js';

const MiB = 1048576;
let channels: MessageChannel[] = [];

afterEach(() => {
  for (const channel of channels) {
    channel.port1.close();
    channel.port2.close();
  }
  channels = [];
});

function chain(engines = ['wasm']): Pick<ChainLead, 'abort'> & { run(blob: Blob, partSize: number, id?: number): Promise<WorkerResponse[]> } {
  const [leadToSha1, sha1ToMd5, md5ToLead] = [new MessageChannel(), new MessageChannel(), new MessageChannel()];
  channels.push(leadToSha1, sha1ToMd5, md5ToLead);
  const lead = joinChain({ type: 'chain', role: 'lead', next: leadToSha1.port1, back: md5ToLead.port2 })!;
  expect(joinChain({ type: 'chain', role: 'sha1', prev: leadToSha1.port2, next: sha1ToMd5.port1 })).toBeUndefined();
  expect(joinChain({ type: 'chain', role: 'md5', prev: sha1ToMd5.port2, back: md5ToLead.port1 })).toBeUndefined();
  return {
    abort: (id) => lead.abort(id),
    run(blob: Blob, partSize: number, id = 1) {
      return new Promise<WorkerResponse[]>((resolve) => {
        const posted: WorkerResponse[] = [];
        lead.run({ type: 'hash', id, blob, partSize, engines }, (message) => {
          posted.push(message);
          if (message.type === 'done' || message.type === 'error') resolve(posted);
        });
      });
    },
  };
}

describe('browser hash chain (lead reads, two stages hash)', () => {
  it('gives the SHA-1 and every part MD5 of an odd-chunked Blob, with progress up to the size', async () => {
    const bytes = randomBytes(9 * MiB + 12345);
    const posted = await chain().run(oddBlob(bytes), 524288);
    const done = posted.at(-1)!;
    expect(done).toEqual({
      type: 'done',
      id: 1,
      result: { ...expected(bytes, 524288), partSize: 524288, engine: 'wasm', bytesHashed: bytes.byteLength, runner: 'worker', threads: 3 },
    });
    const progress = posted.flatMap((m) => (m.type === 'progress' ? [m.hashedBytes] : []));
    expect(progress.at(-1)).toBe(bytes.byteLength);
    expect(progress.length).toBeGreaterThanOrEqual(9);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it('a part size of 1 MiB, and the spark engine on both stages', async () => {
    const bytes = randomBytes(CHAIN_MIN_BYTES + 1);
    const [done] = (await chain(['spark']).run(new Blob([bytes]), MiB)).filter((m) => m.type === 'done');
    expect(done).toMatchObject({ result: { ...expected(bytes, MiB), engine: 'spark', threads: 3 } });
  });

  it('abort stops the read and answers AbortError', async () => {
    const lead = chain(['spark']);
    const blob = new SlowBlob(64 * MiB);
    const answer = lead.run(blob, 524288, 5);
    await expect.poll(() => blob.pulled, { timeout: 5_000 }).toBeGreaterThan(2 * MiB);
    expect(lead.abort(5)).toBe(true);
    const posted = await answer;
    expect(posted.at(-1)).toMatchObject({ type: 'error', id: 5, name: 'AbortError' });
    const pulled = blob.pulled;
    expect(pulled).toBeLessThan(64 * MiB);
    expect(lead.abort(5)).toBe(false); // the job is gone
  });

  it('a Blob yielding fewer bytes than its size is a NotReadableError', async () => {
    const short = new (class extends Blob {
      override get size(): number {
        return 6 * MiB;
      }
    })([randomBytes(5 * MiB)]);
    const posted = await chain().run(short, MiB);
    expect(posted.at(-1)).toMatchObject({ type: 'error', name: 'NotReadableError', message: expect.stringContaining(`not its size ${6 * MiB}`) });
  });

  it('an engine that cannot load fails the job with its error, not a hang', async () => {
    const posted = await chain(['nope']).run(new Blob([randomBytes(5 * MiB)]), MiB);
    expect(posted.at(-1)).toMatchObject({ type: 'error', id: 1, message: expect.stringMatching(/engines/) });
  });
});
