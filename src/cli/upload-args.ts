/**
 * Arguments of `vod-upload <file|dir>...`: parsed with node:util's parseArgs and checked, so a
 * mistake is reported before anything starts, naming the flag and what it takes.
 */
import type { InitExtras } from '../core/index.js';
import { LIMITS, type PartSize } from '../protocol/index.js';
import type { UsageError } from './usage-error.js';
import { parseFlags, usageError } from './flags.js';

export const UPLOAD_USAGE = `Usage: vod-upload <file|dir>... [options]
       vod-upload emulator [options]     run the local emulator
       vod-upload pending [--clear]      list (or forget) uploads that can resume

Uploads files to Tencent Cloud VOD (server-side upload protocol v2), with instant upload
and resume. Directories are walked for video files (by extension; --all for every file).

Where to:
  --emulator             upload to a local emulator kept in --emulator-data (port 8787, or
                         the one that directory used before: its URLs work again with
                         vod-upload emulator --data DIR)
  --emulator-data DIR    the embedded emulator's data directory (default ./.vod-data)
  --endpoint URL         the service endpoint (default https://vod2.qcloud.com/v2/index.php)
  --secret-id ID         account SecretId (or env VOD_SECRET_ID)
  --secret-key KEY       account SecretKey (or env VOD_SECRET_KEY; prefer the env: flags show in ps)
  --region REGION        the Region parameter (default gz)

How:
  --part-size SIZE       512k or 1m (default 1m)
  --concurrency N|auto   parts in flight across all files, 1-32, or auto: more
                         while throughput rises, fewer on congestion (default auto)
  --files N              files uploading at once, 1-16 (default 2)
  --timeout SECONDS      a request's time limit: sending, waiting, reading (default 60)
  --stall SECONDS        retry a request that sends and receives nothing this long (default 30)
  --retries N            tries again after a failed request, 0-20 (default 5)
  --checkpoint-dir DIR   where resume checkpoints live (default: the user cache directory)
  --all                  in directories, take every file, not only videos
  --type EXT             upload every file with this file type (e.g. mp4)

What the service does with it (InitUpload):
  --class-id N           the category id
  --tag TAG              a tag (repeat for more, up to 10)
  --transcode            ask for transcoding    --screenshot   ask for a cover screenshot
  --watermark            ask for a watermark

Output:
  --json                 one JSON object per file (and per retry) on stdout, no bars
  --quiet                only each uploaded file's fileId on stdout; failures on stderr
  --version              print the version
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
  concurrency: number | 'auto';
  files: number;
  /** Per-request limit, ms. */
  timeoutMs: number;
  /** A request with no byte sent or received for this long is cancelled and retried, ms. */
  stallTimeoutMs: number;
  retries: number;
  checkpointDir: string | undefined;
  all: boolean;
  /** File type for every file (`--type`), else from each name. */
  fileType: string | undefined;
  /** InitUpload parameters passed through. */
  extras: InitExtras;
  json: boolean;
  quiet: boolean;
  help: boolean;
  version: boolean;
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
  timeout: { type: 'string' },
  stall: { type: 'string' },
  retries: { type: 'string' },
  'checkpoint-dir': { type: 'string' },
  all: { type: 'boolean' },
  type: { type: 'string' },
  'class-id': { type: 'string' },
  tag: { type: 'string', multiple: true },
  transcode: { type: 'boolean' },
  screenshot: { type: 'boolean' },
  watermark: { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  version: { type: 'boolean', short: 'V' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The environment variables the command reads. */
export interface UploadEnv {
  /** The endpoint when `--endpoint` is not given (what `vod-upload emulator` prints to export). */
  VOD_ENDPOINT?: string | undefined;
  VOD_SECRET_ID?: string | undefined;
  VOD_SECRET_KEY?: string | undefined;
}

const usage = (message: string): UsageError => usageError('vod-upload', message);

/** `512k`, `1m` (any case), or the byte counts themselves. */
export function parsePartSize(text: string): PartSize {
  const normalized = text.trim().toLowerCase();
  if (normalized === '512k' || normalized === '512kb' || normalized === '524288') return 524288;
  if (normalized === '1m' || normalized === '1mb' || normalized === '1024k' || normalized === '1048576') return 1048576;
  throw usage(`--part-size: expected 512k or 1m, got ${JSON.stringify(text)}`);
}

function parseCount<F extends number | 'auto'>(flag: string, text: string | undefined, fallback: F, min: number, max: number): number | F {
  if (text === undefined) return fallback;
  if (!/^[0-9]{1,6}$/.test(text.trim()) || Number(text) < min || Number(text) > max) {
    throw usage(`--${flag}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** Seconds (`30`, `2.5`) → ms. */
function parseSeconds(flag: string, text: string | undefined, fallbackMs: number): number {
  if (text === undefined) return fallbackMs;
  const seconds = Number(text);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text.trim()) || !(seconds >= 0.1 && seconds <= 3600)) {
    throw usage(`--${flag}: expected seconds from 0.1 to 3600, got ${JSON.stringify(text)}`);
  }
  return Math.round(seconds * 1000);
}

function nonEmpty(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '') throw usage(`--${flag}: expected a value, got an empty string`);
  return value;
}

function parseExtras(values: {
  'class-id'?: string | undefined;
  tag?: string[] | undefined;
  transcode?: boolean | undefined;
  screenshot?: boolean | undefined;
  watermark?: boolean | undefined;
}): InitExtras {
  const extras: InitExtras = {};
  if (values['class-id'] !== undefined) extras.classId = parseCount('class-id', values['class-id'], 0, 0, 2 ** 31 - 1);
  const tags = values.tag ?? [];
  if (tags.length > LIMITS.tagCount) throw usage(`--tag: at most ${LIMITS.tagCount} tags, got ${tags.length}`);
  for (const tag of tags) {
    if (tag === '' || new TextEncoder().encode(tag).length > LIMITS.tagLength)
      throw usage(`--tag: expected 1 to ${LIMITS.tagLength} characters, got ${JSON.stringify(tag)}`);
  }
  if (tags.length > 0) extras.tags = tags;
  if (values.transcode) extras.isTranscode = 1;
  if (values.screenshot) extras.isScreenshot = 1;
  if (values.watermark) extras.isWatermark = 1;
  return extras;
}

/** Parses `argv` (after the program name). Throws {@link UsageError} (exit 2) on any mistake. */
export function parseUploadArgs(argv: readonly string[], env: UploadEnv = {}): UploadArgs {
  const { values, positionals } = parseFlags('vod-upload', argv, options, true);
  const help = values.help ?? false;
  const version = values.version ?? false;
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
  const fileType = nonEmpty('type', values.type)?.replace(/^\./, '');
  if (fileType !== undefined && !/^[A-Za-z0-9]{1,16}$/.test(fileType))
    throw usage(`--type: expected an extension like mp4, got ${JSON.stringify(values.type)}`);
  if (!help && !version && positionals.length === 0) throw usage('no files given: name at least one file or directory');
  return {
    paths: positionals,
    endpoint,
    emulator,
    emulatorData: nonEmpty('emulator-data', values['emulator-data']) ?? '.vod-data',
    secretId,
    secretKey,
    region: nonEmpty('region', values.region),
    partSize: values['part-size'] === undefined ? 1048576 : parsePartSize(values['part-size']),
    concurrency: values.concurrency?.trim() === 'auto' ? 'auto' : parseCount('concurrency', values.concurrency, 'auto', 1, 32),
    files: parseCount('files', values.files, 2, 1, 16),
    timeoutMs: parseSeconds('timeout', values.timeout, 60_000),
    stallTimeoutMs: parseSeconds('stall', values.stall, 30_000),
    retries: parseCount('retries', values.retries, 5, 0, 20),
    checkpointDir: nonEmpty('checkpoint-dir', values['checkpoint-dir']),
    all: values.all ?? false,
    fileType,
    extras: parseExtras(values),
    json: values.json ?? false,
    quiet: values.quiet ?? false,
    help,
    version,
  };
}
