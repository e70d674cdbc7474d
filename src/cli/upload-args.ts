/**
 * Arguments of `vod-upload <file|dir>...`: parsed with node:util's parseArgs and checked, so a
 * mistake is reported before anything starts, naming the flag and what it takes.
 */
import { parseArgs } from 'node:util';
import type { PartSize } from '../protocol/index.js';
import { UsageError } from './emulator-command.js';

export const UPLOAD_USAGE = `Usage: vod-upload <file|dir>... [options]
       vod-upload emulator [options]

Uploads files to Tencent Cloud VOD (server-side upload protocol v2), with instant upload
and resume. Directories are walked for video files (by extension; --all for every file).

Where to:
  --emulator             start a local emulator (data in --emulator-data) and upload to it
  --emulator-data DIR    the embedded emulator's data directory (default ./.vod-data)
  --endpoint URL         the service endpoint (default https://vod2.qcloud.com/v2/index.php)
  --secret-id ID         account SecretId (or env VOD_SECRET_ID)
  --secret-key KEY       account SecretKey (or env VOD_SECRET_KEY; prefer the env: flags show in ps)
  --region REGION        the Region parameter (default gz)

How:
  --part-size SIZE       512k or 1m (default 1m)
  --concurrency N        parts in flight across all files, 1-32 (default 4)
  --files N              files uploading at once, 1-16 (default 2)
  --checkpoint-dir DIR   where resume checkpoints live (default: the user cache directory)
  --all                  in directories, take every file, not only videos

Output:
  --json                 one JSON object per file on stdout (no progress bars)
  --quiet                no progress and no summary; failures still go to stderr
  -h, --help             show this help

Exit status: 0 all uploaded, 1 some failed, 2 usage error, 130 interrupted (Ctrl-C;
run the same command again to resume). A second Ctrl-C quits at once.

Examples:
  vod-upload --emulator ./videos
  VOD_SECRET_ID=AKID... VOD_SECRET_KEY=... vod-upload clip.mp4 --part-size 512k
  vod-upload --endpoint http://127.0.0.1:8787/v2/index.php --json a.mp4 b.mov
`;

/** What the command line asks for. */
export interface UploadArgs {
  paths: string[];
  endpoint: string | undefined;
  emulator: boolean;
  emulatorData: string;
  secretId: string | undefined;
  secretKey: string | undefined;
  region: string | undefined;
  partSize: PartSize;
  concurrency: number;
  files: number;
  checkpointDir: string | undefined;
  all: boolean;
  json: boolean;
  quiet: boolean;
  help: boolean;
}

const options = {
  endpoint: { type: 'string' },
  emulator: { type: 'boolean' },
  'emulator-data': { type: 'string' },
  'secret-id': { type: 'string' },
  'secret-key': { type: 'string' },
  region: { type: 'string' },
  'part-size': { type: 'string' },
  concurrency: { type: 'string' },
  files: { type: 'string' },
  'checkpoint-dir': { type: 'string' },
  all: { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The environment variables the command reads. */
export interface UploadEnv {
  VOD_SECRET_ID?: string | undefined;
  VOD_SECRET_KEY?: string | undefined;
}

function usage(message: string): UsageError {
  return new UsageError(`${message}\n\n${UPLOAD_USAGE}`);
}

/** `512k`, `1m` (any case), or the byte counts themselves. */
export function parsePartSize(text: string): PartSize {
  const normalized = text.trim().toLowerCase();
  if (normalized === '512k' || normalized === '512kb' || normalized === '524288') return 524288;
  if (normalized === '1m' || normalized === '1mb' || normalized === '1024k' || normalized === '1048576') return 1048576;
  throw usage(`--part-size: expected 512k or 1m, got ${JSON.stringify(text)}`);
}

function parseCount(flag: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  if (!/^[0-9]{1,4}$/.test(text.trim()) || Number(text) < 1 || Number(text) > max) {
    throw usage(`--${flag}: expected a whole number from 1 to ${max}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

function nonEmpty(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '') throw usage(`--${flag}: expected a value, got an empty string`);
  return value;
}

/** Parses `argv` (after the program name). Throws {@link UsageError} (exit 2) on any mistake. */
export function parseUploadArgs(argv: readonly string[], env: UploadEnv = {}): UploadArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    // parseArgs names the flag ("Unknown option '--x'", "Option '--files <value>' argument missing").
    throw usage(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const help = values.help ?? false;
  const endpoint = nonEmpty('endpoint', values.endpoint);
  if (endpoint !== undefined && !/^https?:\/\/[^\s/?#]+/i.test(endpoint)) {
    throw usage(`--endpoint: expected an http(s) URL like https://vod2.qcloud.com/v2/index.php, got ${JSON.stringify(endpoint)}`);
  }
  const emulator = values.emulator ?? false;
  if (emulator && endpoint !== undefined) throw usage('--emulator and --endpoint exclude each other: pick one');
  if (values['emulator-data'] !== undefined && !emulator) throw usage('--emulator-data: only with --emulator');
  const secretId = nonEmpty('secret-id', values['secret-id']) ?? (env.VOD_SECRET_ID || undefined);
  const secretKey = nonEmpty('secret-key', values['secret-key']) ?? (env.VOD_SECRET_KEY || undefined);
  if ((secretId === undefined) !== (secretKey === undefined)) {
    const missing = secretId === undefined ? '--secret-id (or VOD_SECRET_ID)' : '--secret-key (or VOD_SECRET_KEY)';
    throw usage(`${missing}: missing; a SecretId and its SecretKey go together`);
  }
  if (!help && positionals.length === 0) throw usage('no files given: name at least one file or directory');
  return {
    paths: positionals,
    endpoint,
    emulator,
    emulatorData: nonEmpty('emulator-data', values['emulator-data']) ?? '.vod-data',
    secretId,
    secretKey,
    region: nonEmpty('region', values.region),
    partSize: values['part-size'] === undefined ? 1048576 : parsePartSize(values['part-size']),
    concurrency: parseCount('concurrency', values.concurrency, 4, 32),
    files: parseCount('files', values.files, 2, 16),
    checkpointDir: nonEmpty('checkpoint-dir', values['checkpoint-dir']),
    all: values.all ?? false,
    json: values.json ?? false,
    quiet: values.quiet ?? false,
    help,
  };
}
