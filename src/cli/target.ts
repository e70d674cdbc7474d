/**
 * Where the CLI uploads to: an embedded emulator (`--emulator`), or an endpoint with the account's
 * keys. The SecretKey is only handed to the signer; it is never printed.
 */
import { resolve } from 'node:path';
import { DEFAULT_ENDPOINT } from '../protocol/index.js';
import { UsageError } from './usage-error.js';
import type { UploadArgs } from './upload-args.js';

export interface Target {
  endpoint: string;
  region: string | undefined;
  secretId: string;
  secretKey: string;
  /** Lines worth telling the user (what was started, which keys are used). */
  notes: string[];
  /** Stops what was started for this run (the embedded emulator). */
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * The emulator's public development keys. Loaded only when needed: the emulator (a web server)
 * would otherwise add to the start time of every upload.
 */
async function devCredentials(): Promise<{ secretId: string; secretKey: string }> {
  return (await import('../emulator/emulator.js')).DEV_CREDENTIALS;
}

/** True for an endpoint on this machine (a local emulator). */
export function isLoopback(endpoint: string): boolean {
  try {
    return LOOPBACK.has(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

export async function openTarget(args: UploadArgs, env: { VOD_ENDPOINT?: string | undefined } = {}): Promise<Target> {
  if (args.emulator) return openEmbeddedEmulator(args);
  const endpoint = args.endpoint ?? (env.VOD_ENDPOINT || DEFAULT_ENDPOINT);
  if (args.secretId !== undefined && args.secretKey !== undefined) {
    return { endpoint, region: args.region, secretId: args.secretId, secretKey: args.secretKey, notes: [], close: async () => {} };
  }
  // A local emulator accepts the public development keys: no setup needed to try it.
  if (isLoopback(endpoint)) {
    const dev = await devCredentials();
    return {
      endpoint,
      region: args.region,
      secretId: dev.secretId,
      secretKey: dev.secretKey,
      notes: ['no keys given: using the emulator development keys for this local endpoint'],
      close: async () => {},
    };
  }
  throw new UsageError(
    '--secret-id/--secret-key: missing (or set VOD_SECRET_ID and VOD_SECRET_KEY); to try it without an account, add --emulator',
  );
}

/**
 * `--emulator`: the emulator of the data directory, at the port the directory remembers, so a
 * rerun has the same endpoint (its checkpoints match) and printed URLs work again with
 * `vod-upload emulator --data DIR`. When an emulator already serves the directory, it is used.
 */
async function openEmbeddedEmulator(args: UploadArgs): Promise<Target> {
  const data = resolve(args.emulatorData);
  const [dev, { rememberedPort, servingPid, startDataEmulator }] = await Promise.all([devCredentials(), import('./emulator-home.js')]);
  const keys = { region: args.region, secretId: dev.secretId, secretKey: dev.secretKey };
  const [pid, port] = await Promise.all([servingPid(data), rememberedPort(data)]);
  if (pid !== undefined && port !== undefined) {
    const endpoint = `http://127.0.0.1:${port}/v2/index.php`;
    return {
      ...keys,
      endpoint,
      notes: [`using the emulator that serves ${args.emulatorData} (pid ${pid}) at ${endpoint}`],
      close: async () => {},
    };
  }
  let running;
  try {
    running = await startDataEmulator({ data });
  } catch (error) {
    throw new UsageError(`could not start the emulator in ${data}: ${error instanceof Error ? error.message : String(error)}`, 1);
  }
  return {
    ...keys,
    endpoint: running.endpoint,
    notes: [
      `embedded emulator at ${running.origin}, data in ${args.emulatorData} (stops at the end;`,
      `  serve the same URLs again with: vod-upload emulator --data ${args.emulatorData})`,
    ],
    close: () => running.close(),
  };
}
