// Deno specifics, run by test/adapters-runtimes.test.ts: openFile gives a lazily read DenoFile;
// its slices and stream return the file's bytes; worker and inline hashers agree with WebCrypto;
// a file changed after openFile is refused; a missing file is an error.
import * as api from 'vod-upload/deno';
import { randomBytes, sha1Hex } from '../scenario.mjs';

const dir = await Deno.makeTempDir({ prefix: 'vod-deno-probe-' });
const out = {};
try {
  const bytes = randomBytes(3 * 1048576 + 17);
  const path = `${dir}/probe.mp4`;
  await Deno.writeFile(path, bytes);
  const file = await api.openFile(path);
  out.blob = file instanceof Blob;
  out.name = file.name;
  out.size = file.size === bytes.length;
  const slice = new Uint8Array(await (await file.slice(1000, 5000)).arrayBuffer());
  out.slice = slice.length === 4000 && slice.every((b, i) => b === bytes[1000 + i]);
  out.clampedSlice = (await file.slice(bytes.length - 5, bytes.length + 100)).size;
  const streamed = new Uint8Array(await new Response(file.stream()).arrayBuffer());
  out.stream = (await sha1Hex(streamed)) === (await sha1Hex(bytes));
  const expected = await sha1Hex(bytes);
  const worker = await api.createDenoHasher().hash(file, { partSize: 1048576 });
  const inline = await api.createDenoHasher({ runner: 'inline' }).hash(file, { partSize: 1048576 });
  out.worker = { runner: worker.runner, ok: worker.sha1 === expected };
  out.inline = { runner: inline.runner, ok: inline.sha1 === expected };
  out.sameMd5s = JSON.stringify(worker.partMd5s) === JSON.stringify(inline.partMd5s) && worker.partMd5s.length === 4;
  await Deno.writeFile(path, new Uint8Array(10), { append: true });
  out.changed = await api
    .createDenoHasher()
    .hash(file, { partSize: 1048576 })
    .then(
      () => 'hashed',
      (e) => e.name,
    );
  out.changedSlice = await Promise.resolve(file.slice(0, 10)).then(
    () => 'read',
    (e) => e.name,
  );
  out.missing = await api.openFile(`${dir}/nope.mp4`).then(
    () => 'opened',
    (e) => e.name,
  );
} finally {
  await Deno.remove(dir, { recursive: true });
}
console.log(`RESULT ${JSON.stringify(out)}`);
