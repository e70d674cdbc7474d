/**
 * Where the CLI uploads to: an embedded emulator (`--emulator`), or an endpoint with the account's
 * keys. The SecretKey is only handed to the signer; it is never printed.
 */
import { resolve } from 'node:path';
import { DEV_CREDENTIALS } from '../emulator/emulator.js';
import { startEmulator } from '../emulator/server.js';
import { DEFAULT_ENDPOINT } from '../protocol/index.js';
import { UsageError } from './emulator-command.js';
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

/** True for an endpoint on this machine (a local emulator). */
export function isLoopback(endpoint: string): boolean {
  try {
    return LOOPBACK.has(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

export async function openTarget(args: UploadArgs): Promise<Target> {
  if (args.emulator) {
    const data = resolve(args.emulatorData);
    let running;
    try {
      running = await startEmulator({ port: 0, data });
    } catch (error) {
      throw new UsageError(`could not start the emulator in ${data}: ${error instanceof Error ? error.message : String(error)}`, 1);
    }
    return {
      endpoint: running.endpoint,
      region: args.region,
      secretId: DEV_CREDENTIALS.secretId,
      secretKey: DEV_CREDENTIALS.secretKey,
      notes: [
        `embedded emulator at ${running.origin} (data in ${data}); it stops when the uploads end —`,
        `  to watch the videos later: vod-upload emulator --data ${args.emulatorData}  (or npm start)`,
      ],
      close: () => running.close(),
    };
  }
  const endpoint = args.endpoint ?? DEFAULT_ENDPOINT;
  if (args.secretId !== undefined && args.secretKey !== undefined) {
    return { endpoint, region: args.region, secretId: args.secretId, secretKey: args.secretKey, notes: [], close: async () => {} };
  }
  // A local emulator accepts the public development keys: no setup needed to try it.
  if (isLoopback(endpoint)) {
    return {
      endpoint,
      region: args.region,
      secretId: DEV_CREDENTIALS.secretId,
      secretKey: DEV_CREDENTIALS.secretKey,
      notes: ['no keys given: using the emulator development keys for this local endpoint'],
      close: async () => {},
    };
  }
  throw new UsageError(
    '--secret-id/--secret-key: missing (or set VOD_SECRET_ID and VOD_SECRET_KEY); to try it without an account, add --emulator',
  );
}
