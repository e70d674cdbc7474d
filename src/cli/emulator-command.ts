/**
 * `vod-upload emulator`: runs the local VOD emulator until SIGINT or SIGTERM.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { DEV_CREDENTIALS } from '../emulator/emulator.js';
import { startEmulator } from '../emulator/server.js';
import { parseFaultPlan } from '../emulator/fault-plan.js';

export const EMULATOR_USAGE = `Usage: vod-upload emulator [options]

Runs a local emulator of the Tencent VOD server-side upload service.

Options:
  --host HOST        interface to listen on (default 127.0.0.1)
  --port PORT        port to listen on, 0 picks a free one (default 8787)
  --data DIR         keep sessions and files in DIR (default: in memory)
  --secret-id ID     accept this SecretId (default: the development credentials)
  --secret-key KEY   its SecretKey (give both or neither)
  --faults SPEC      seeded random faults, e.g. seed=7,all=0.2 (see the README)
  -h, --help         show this help
`;

/** A CLI failure: the message goes to stderr and the process exits with `exitCode`. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopSignal: () => Promise<string>;
}

/** Runs the command; resolves with the exit code once the emulator has stopped. */
export async function runEmulatorCommand(args: string[], io: CommandIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        data: { type: 'string' },
        'secret-id': { type: 'string' },
        'secret-key': { type: 'string' },
        faults: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n\n${EMULATOR_USAGE}`);
  }
  if (values.help) {
    io.out(EMULATOR_USAGE);
    return 0;
  }
  const port = values.port === undefined ? 8787 : Number(values.port);
  if (values.port !== undefined && !/^[0-9]{1,5}$/.test(values.port)) throw new UsageError(`--port: expected 0 to 65535, got ${values.port}\n\n${EMULATOR_USAGE}`);
  if (port > 65535) throw new UsageError(`--port: expected 0 to 65535, got ${port}`);
  const secretId = values['secret-id'];
  const secretKey = values['secret-key'];
  if ((secretId === undefined) !== (secretKey === undefined)) throw new UsageError('--secret-id and --secret-key go together: give both or neither');
  if (secretId === '' || secretKey === '') throw new UsageError('--secret-id and --secret-key must not be empty');
  const custom = secretId !== undefined && secretKey !== undefined;
  const data = values.data === undefined ? undefined : resolve(values.data);
  const faults = values.faults;
  if (faults !== undefined) {
    try {
      parseFaultPlan(faults);
    } catch (error) {
      throw new UsageError(`--faults: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  let running;
  try {
    running = await startEmulator({
      host: values.host ?? '127.0.0.1',
      port,
      ...(data === undefined ? {} : { data }),
      ...(custom ? { credentials: [{ secretId, secretKey }] } : {}),
      ...(faults === undefined ? {} : { faults }),
    });
  } catch (error) {
    throw new UsageError(`could not start the emulator: ${error instanceof Error ? error.message : String(error)}`, 1);
  }
  const credential = running.credentials[0] ?? DEV_CREDENTIALS;
  io.out('VOD upload emulator is running');
  io.out(`  endpoint:  ${running.endpoint}`);
  io.out(`  secretId:  ${credential.secretId}`);
  // A key the user chose is theirs: never echoed into scrollback or CI logs.
  io.out(`  secretKey: ${custom ? '(as given with --secret-key)' : credential.secretKey}`);
  if (!custom) io.out('  (well-known development credentials: for local use only, never for the real service)');
  io.out(`  storage:   ${data ?? 'memory (lost on exit; use --data DIR to keep it)'}`);
  if (faults !== undefined) io.out(`  faults:    ${faults} (seeded; rules queued on the control API come first)`);
  io.out(`  files:     ${running.origin}/vod/<fileId>/f0.<ext>   control: ${running.origin}/_emulator/log`);
  io.out('Press Ctrl+C to stop.');
  const signal = await io.stopSignal();
  await running.close();
  io.out(`emulator stopped (${signal})`);
  return 0;
}
