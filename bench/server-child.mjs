// A server in its own process for the benchmarks, so its CPU and memory are not the client's.
//   node bench/server-child.mjs emulator   the emulator (startEmulator: node:crypto, memory storage)
//   node bench/server-child.mjs drain      node:http that only drains bodies and answers code 0
//   node bench/server-child.mjs drain-md5  the same, and it MD5s every body (node:crypto)
//   node bench/server-child.mjs keep       the same, and it also keeps every body in memory and SHA-1s it: the
//                                          floor of any emulator that checks and stores parts (no signature,
//                                          no protocol; the SHA-1 runs over bodies in the order they end)
// Sends { port } over IPC once listening; answers { cmd: 'stats' } with what it received; exits on { cmd: 'close' }.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';

const mode = process.argv[2];
let stats = () => ({});
let close = async () => {};
/** The server's own memory: RSS now and its peak, in MiB. */
const memory = () => ({ rssMiB: process.memoryUsage().rss / 1048576, peakRssMiB: process.resourceUsage().maxRSS / 1024, cpuMs: cpuMs() });
/** CPU time of the process (every thread), in ms. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

if (mode === 'emulator') {
  const { startEmulator } = await import(new URL('../dist/emulator.js', import.meta.url).href);
  // Memory storage keeps every byte it is sent (finished files too): its RSS grows with them.
  const emu = await startEmulator({ port: 0 });
  const log = emu.emulator.log;
  stats = () => ({ bytesReceived: log.bytesReceived, partsStored: log.count('UploadPart', 0), inFlight: log.partsInFlight, ...memory() });
  close = () => emu.close();
  process.send({ port: Number(new URL(emu.origin).port) });
} else if (mode === 'drain' || mode === 'drain-md5' || mode === 'keep') {
  let bytesReceived = 0;
  const answer = Buffer.from(JSON.stringify({ code: 0, message: '', codeDesc: 'Success', canRetry: 0 }));
  const md5 = mode !== 'drain';
  const kept = mode === 'keep' ? [] : undefined;
  const fileSha1 = createHash('sha1');
  const server = createServer((request, response) => {
    const partMd5 = md5 ? createHash('md5') : undefined;
    const chunks = kept ? [] : undefined;
    request.on('data', (chunk) => {
      bytesReceived += chunk.length;
      partMd5?.update(chunk);
      chunks?.push(chunk);
    });
    request.on('end', () => {
      partMd5?.digest('hex');
      if (chunks) {
        for (const chunk of chunks) fileSha1.update(chunk);
        kept.push(chunks);
      }
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': answer.length }).end(answer);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  stats = () => ({ bytesReceived, ...memory() });
  close = () => new Promise((resolve) => (server.close(resolve), server.closeAllConnections()));
  process.send({ port: server.address().port });
} else {
  throw new Error(`unknown mode ${mode}`);
}

process.on('message', async (message) => {
  if (message.cmd === 'stats') process.send({ stats: stats() });
  if (message.cmd === 'close') {
    await close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
