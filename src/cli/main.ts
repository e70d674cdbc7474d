/**
 * The `vod-upload` command line: `vod-upload <file|dir>...` uploads, `vod-upload emulator` runs
 * the local emulator, `vod-upload pending` lists (or clears) the checkpoints kept for resuming.
 */
import process from 'node:process';
import type { CommandIo } from './emulator-command.js';
import { UsageError } from './usage-error.js';
import { UPLOAD_USAGE } from './upload-args.js';
import { runPendingCommand } from './pending-command.js';
import { runUploadCommand, type UploadIo } from './upload-command.js';

export const USAGE = UPLOAD_USAGE;

export type CliIo = CommandIo & UploadIo;

/** Waits for the first SIGINT or SIGTERM. */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function onSignal(listener: (signal: string) => void): () => void {
  const handle = (signal: NodeJS.Signals): void => listener(signal);
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
  return () => {
    process.off('SIGINT', handle);
    process.off('SIGTERM', handle);
  };
}

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stopSignal,
  onSignal,
  env: process.env,
  tty: process.stderr.isTTY ? process.stderr : undefined,
  // A pseudo-terminal may report 0 columns: then COLUMNS, else the default.
  columns: [process.stdout.columns, process.stderr.columns, Number(process.env.COLUMNS)].find((n) => Number.isInteger(n) && n >= 20),
  exit: (code) => process.exit(code),
};

/** Runs the CLI with `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'emulator':
        // Loaded on demand: uploads start faster without the emulator's web server in memory.
        return await (await import('./emulator-command.js')).runEmulatorCommand(rest, io);
      case 'upload':
        return await runUploadCommand(rest, io);
      case 'pending':
        return await runPendingCommand(rest, io);
      case 'help':
        io.out(USAGE);
        return 0;
      case undefined:
        io.err(USAGE);
        return 2;
      default:
        return await runUploadCommand(argv, io);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`vod-upload: ${error.message}`);
      return error.exitCode;
    }
    io.err(`vod-upload: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}
