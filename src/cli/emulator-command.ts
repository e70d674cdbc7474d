/**
 * `vod-upload emulator`: runs the local VOD emulator until SIGINT or SIGTERM.
 */
import { resolve } from 'node:path';
import { DEV_CREDENTIALS } from '../emulator/emulator.js';
import { startEmulator } from '../emulator/server.js';
import { parseFaultPlan } from '../emulator/fault-plan.js';
import { parseBandwidth, parseLatency } from '../emulator/link-spec.js';
import { DEFAULT_EMULATOR_PORT, startDataEmulator } from './emulator-home.js';
import { parseFlags } from './flags.js';
import { UsageError } from './usage-error.js';

export const EMULATOR_USAGE = `Usage: vod-upload emulator [options]

Runs a local emulator of the Tencent VOD server-side upload service.

Options:
  --host HOST        interface to listen on (default 127.0.0.1)
  --port PORT        port to listen on, 0 picks a free one (default 8787; with --data, the
                     port DIR was served on before, so its URLs stay the same)
  --data DIR         keep sessions and files in DIR (default: in memory)
  --secret-id ID     accept this SecretId (default: the development credentials)
  --secret-key KEY   its SecretKey (give both or neither)
  --faults SPEC      seeded random faults, e.g. seed=7,all=0.2 (see the README)
  --latency MS[:J]   emulated link: wait MS ms (± J ms, seeded) before each answer
  --bandwidth RATE   emulated link: all request bodies share RATE, e.g. 20MB/s
  -h, --help         show this help
`;

export { UsageError };

export interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopSignal: () => Promise<string>;
}

/** Runs the command; resolves with the exit code once the emulator has stopped. */
export async function runEmulatorCommand(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseFlags(
    'vod-upload emulator',
    args,
    {
      host: { type: 'string' },
      port: { type: 'string' },
      data: { type: 'string' },
      'secret-id': { type: 'string' },
      'secret-key': { type: 'string' },
      faults: { type: 'string' },
      latency: { type: 'string' },
      bandwidth: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  );
  if (values.help) {
    io.out(EMULATOR_USAGE);
    return 0;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (values.port !== undefined && !/^[0-9]{1,5}$/.test(values.port))
    throw new UsageError(`--port: expected 0 to 65535, got ${values.port}`);
  if (port !== undefined && port > 65535) throw new UsageError(`--port: expected 0 to 65535, got ${port}`);
  const secretId = values['secret-id'];
  const secretKey = values['secret-key'];
  if ((secretId === undefined) !== (secretKey === undefined))
    throw new UsageError('--secret-id and --secret-key go together: give both or neither');
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
  const { latency, bandwidth } = values;
  for (const [flag, value, parse] of [
    ['--latency', latency, parseLatency],
    ['--bandwidth', bandwidth, parseBandwidth],
  ] as const) {
    if (value === undefined) continue;
    try {
      parse(value);
    } catch (error) {
      throw new UsageError(`${flag}: ${error instanceof Error ? error.message.replace(/^Invalid \w+: /, '') : String(error)}`);
    }
  }

  let running;
  try {
    const options = {
      host: values.host ?? '127.0.0.1',
      ...(custom ? { credentials: [{ secretId, secretKey }] } : {}),
      ...(faults === undefined ? {} : { faults }),
      ...(latency === undefined ? {} : { latency }),
      ...(bandwidth === undefined ? {} : { bandwidth }),
    };
    // A data directory keeps its port, so URLs printed by `vod-upload --emulator` work again.
    running =
      data === undefined
        ? await startEmulator({ ...options, port: port ?? DEFAULT_EMULATOR_PORT })
        : await startDataEmulator({ ...options, data, port });
  } catch (error) {
    throw new UsageError(`could not start the emulator: ${error instanceof Error ? error.message : String(error)}`, 1);
  }
  const credential = running.credentials[0] ?? DEV_CREDENTIALS;
  io.out(`VOD upload emulator is running at ${running.origin}`);
  io.out(`  storage: ${data ?? 'memory (lost on exit; use --data DIR to keep it)'}`);
  if (latency !== undefined || bandwidth !== undefined)
    io.out(`  link:    latency ${latency ?? 0} ms, bandwidth ${bandwidth ?? 'unlimited'} (emulated; connections counted in the log)`);
  if (faults !== undefined) io.out(`  faults:  ${faults} (seeded; rules queued on the control API come first)`);
  io.out(`  files:   ${running.origin}/vod/<fileId>/f0.<ext>   log: ${running.origin}/_emulator/log`);
  if (!custom) io.out('  keys:    the well-known development keys: for local use only, never for the real service');
  io.out('For your shell (vod-upload and the examples read these):');
  io.out(`export VOD_ENDPOINT=${running.endpoint}`);
  io.out(`export VOD_SECRET_ID=${credential.secretId}`);
  // A key the user chose is theirs: never echoed into scrollback or CI logs.
  io.out(custom ? 'export VOD_SECRET_KEY=...   # the key given with --secret-key' : `export VOD_SECRET_KEY=${credential.secretKey}`);
  io.out('Press Ctrl+C to stop.');
  const signal = await io.stopSignal();
  await running.close();
  io.out(`emulator stopped (${signal})`);
  return 0;
}
