// Bun specifics, run by test/adapters-runtimes.test.ts: openFile gives Bun.file(); worker
// (Bun.CryptoHasher on a Web Worker) and inline hashers agree with WebCrypto; a missing file is an error.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as api from 'vod-upload/bun';
import { randomBytes, sha1Hex } from '../scenario.mjs';

const dir = await mkdtemp(join(tmpdir(), 'vod-bun-probe-'));
const out = {};
try {
  const bytes = randomBytes(3 * 1048576 + 17);
  const path = join(dir, 'probe.mp4');
  await Bun.write(path, bytes);
  const file = await api.openFile(path);
  out.blob = file instanceof Blob;
  out.size = file.size === bytes.length;
  const expected = await sha1Hex(bytes);
  const worker = await api.createBunHasher().hash(file, { partSize: 1048576 });
  const inline = await api.createBunHasher({ runner: 'inline' }).hash(file, { partSize: 1048576 });
  out.worker = { runner: worker.runner, engine: worker.engine, ok: worker.sha1 === expected };
  out.inline = { runner: inline.runner, engine: inline.engine, ok: inline.sha1 === expected };
  out.sameMd5s = JSON.stringify(worker.partMd5s) === JSON.stringify(inline.partMd5s) && worker.partMd5s.length === 4;
  out.missing = await api.openFile(join(dir, 'nope.mp4')).then(
    () => 'opened',
    (e) => e.name,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
console.log(`RESULT ${JSON.stringify(out)}`);
