// Client CPU of one upload of `path` to the emulator on `port`, in a process of its own:
//   node bench/client-cpu.mjs engine|raw PATH PORT HASHES_JSON
// engine: the library's upload() (Node entry) of openFile(PATH), the path uploadFile takes, with
// the hashes given as a checkpoint (no hashing); raw: plain fetch of fs.openAsBlob slices of the
// same file, signed with the same signer, 4 in flight. Prints { cpuMs, parts } as JSON.
import { openAsBlob } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { CONCURRENCY, DEV, PART, signedPathFor } from './lib.mjs';

const [mode, path, portText, hashesPath] = process.argv.slice(2);
const port = Number(portText);
const { sha1, md5s } = JSON.parse(await readFile(hashesPath, 'utf8'));
const blob = await openAsBlob(path);
const size = blob.size;
const origin = `http://127.0.0.1:${port}`;
const { openFile, upload } = await import(new URL('../dist/node.js', import.meta.url).href);
await signedPathFor(port, 'InitUpload', {}); // loads the signer before the measurement

async function postJson(path, body) {
  const response = await fetch(origin + path, { method: 'POST', body, headers: { 'Content-Type': 'application/octet-stream' } });
  const answer = await response.json();
  return answer;
}

const before = process.cpuUsage();
if (mode === 'engine') {
  const checkpoints = {
    get: async () => ({ version: 1, sha1, partSize: PART, partMd5s: md5s, size, createdAt: Date.now() }),
    set: async () => undefined,
    delete: async () => undefined,
  };
  const result = await upload(await openFile(path), { endpoint: `${origin}/v2/index.php`, ...DEV, checkpoints, concurrency: CONCURRENCY })
    .done;
  if (result.partsSent !== md5s.length) throw new Error(`sent ${result.partsSent} parts`);
} else {
  const init = await postJson(
    await signedPathFor(port, 'InitUpload', { fileName: 'bench', fileType: 'mp4', fileSha: sha1, fileSize: size, dataSize: PART }),
  );
  if (init.code !== 0) throw new Error(`InitUpload: ${JSON.stringify(init)}`);
  let next = 0;
  const worker = async () => {
    while (next < md5s.length) {
      const index = next++;
      const offset = index * PART;
      const dataSize = Math.min(PART, size - offset);
      const answer = await postJson(
        await signedPathFor(port, 'UploadPart', { fileSha: sha1, offset, dataSize, dataMd5: md5s[index] }),
        blob.slice(offset, offset + dataSize),
      );
      if (answer.code !== 0) throw new Error(`UploadPart: ${JSON.stringify(answer)}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const finish = await postJson(await signedPathFor(port, 'FinishUpload', { fileSha: sha1 }));
  if (finish.code !== 0) throw new Error(`FinishUpload: ${JSON.stringify(finish)}`);
}
const used = process.cpuUsage(before);
process.stdout.write(JSON.stringify({ cpuMs: (used.user + used.system) / 1000, parts: md5s.length }));
