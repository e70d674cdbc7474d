// A server in its own process for the benchmarks, so its CPU and memory are not the client's.
//   node bench/server-child.mjs emulator   the emulator (startEmulator: node:crypto, memory storage)
//   node bench/server-child.mjs drain      node:http that only drains bodies and answers code 0
// Sends { port } over IPC once listening; answers { cmd: 'stats' } with what it received; exits on { cmd: 'close' }.
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
} else if (mode === 'drain') {
  let bytesReceived = 0;
  const answer = Buffer.from(JSON.stringify({ code: 0, message: '', codeDesc: 'Success', canRetry: 0 }));
  const server = createServer((request, response) => {
    request.on('data', (chunk) => (bytesReceived += chunk.length));
    request.on('end', () => response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': answer.length }).end(answer));
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
