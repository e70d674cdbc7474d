/**
 * The `vod-upload` command line: a small dispatcher over subcommands.
 */
import { runEmulatorCommand, UsageError, type CommandIo } from './emulator-command.js';

export const USAGE = `Usage: vod-upload <command> [options]

Commands:
  emulator    run a local emulator of the VOD upload service (see: vod-upload emulator --help)
`;

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

const processIo: CommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stopSignal,
};

/** Runs the CLI with `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: string[], io: CommandIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'emulator':
        return await runEmulatorCommand(rest, io);
      case '-h':
      case '--help':
      case 'help':
        io.out(USAGE);
        return 0;
      case undefined:
        io.err(USAGE);
        return 2;
      default:
        io.err(`vod-upload: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
        return 2;
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
