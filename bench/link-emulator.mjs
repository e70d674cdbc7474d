// The emulator behind an emulated link, in its own process, for the link table (bench/link.mjs).
//   node bench/link-emulator.mjs '{"latency":"50","bandwidth":"20MB/s"}'
// Sends { port } over IPC once listening; answers { cmd: 'stats' } with its log's counts; exits on { cmd: 'close' }.
const { startEmulator } = await import(new URL('../dist/emulator.js', import.meta.url).href);
const link = JSON.parse(process.argv[2] ?? '{}');
const emu = await startEmulator({ port: 0, linkSeed: 7, ...link });
process.send({ port: Number(new URL(emu.origin).port) });
process.on('message', async (message) => {
  if (message.cmd === 'stats') {
    const { counts, connections, maxPartsInFlight, bytesReceived } = emu.emulator.log.summary();
    process.send({ stats: { counts, connections, maxPartsInFlight, bytesReceived } });
  }
  if (message.cmd === 'close') {
    await emu.close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
