/**
 * A tiny signed-request helper for emulator tests: signs with createSecretSigner and sends with
 * fetch. Deliberately independent of src/client so the emulator is tested on its own.
 */
import SparkMD5 from 'spark-md5';
import { sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { createSecretSigner, type SignatureMethod } from '../../src/protocol/index.js';
import { DEV_CREDENTIALS } from '../../src/emulator/index.js';

export interface Credentials {
  secretId: string;
  secretKey: string;
}

export interface CallOptions {
  credentials?: Credentials;
  method?: 'GET' | 'POST';
  /** Unix seconds; default now. */
  timestamp?: number;
  nonce?: string;
  region?: string;
  signatureMethod?: SignatureMethod;
  /** Changes params after signing (to break the signature or a common param). */
  tamper?: (params: Record<string, string>) => void;
  /** Sign for this host instead of the one addressed. */
  signHost?: string;
  body?: BodyInit;
  headers?: HeadersInit;
  /** Path instead of the endpoint's. */
  path?: string;
}

export interface Answer {
  code: number;
  message: string;
  codeDesc: string;
  canRetry: 0 | 1;
  fileId?: string;
  url?: string;
  dataSize?: number;
  listParts?: { offset: number; dataSize: number; dataLen: number; dataMd5: string }[];
  [field: string]: unknown;
}

let nonceCounter = 0;
/** A fresh positive Nonce: random high digits plus a counter, so two never collide in a test run. */
export function freshNonce(): string {
  const random = crypto.getRandomValues(new Uint32Array(1))[0]! % 1_000_000;
  return `${random + 1}${String(++nonceCounter).padStart(6, '0')}`;
}

/** Builds a signed URL for an action. */
export async function signedUrl(
  endpoint: string,
  action: string,
  params: Record<string, string | number>,
  options: CallOptions = {},
): Promise<string> {
  const url = new URL(endpoint);
  if (options.path) url.pathname = options.path;
  const credentials = options.credentials ?? DEV_CREDENTIALS;
  const signer = createSecretSigner({ ...credentials, ...(options.signatureMethod ? { signatureMethod: options.signatureMethod } : {}) });
  // No prototype, so a parameter named `__proto__` stays an own property.
  const raw: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
    Action: action,
    Region: options.region ?? 'gz',
    Timestamp: String(options.timestamp ?? Math.floor(Date.now() / 1000)),
    Nonce: options.nonce ?? freshNonce(),
  });
  for (const [name, value] of Object.entries(params)) raw[name] = String(value);
  const signed = await signer.sign({
    method: options.method ?? 'POST',
    host: options.signHost ?? url.host,
    path: url.pathname,
    params: raw,
  });
  options.tamper?.(signed);
  url.search = new URLSearchParams(signed).toString();
  return url.toString();
}

/** Sends one signed request and reads the JSON answer. */
export async function call(
  endpoint: string,
  action: string,
  params: Record<string, string | number>,
  options: CallOptions = {},
): Promise<{ status: number; answer: Answer; text: string; response: Response }> {
  const url = await signedUrl(endpoint, action, params, options);
  const init: RequestInit & { duplex?: 'half' } = { method: options.method ?? 'POST' };
  if (options.body !== undefined) init.body = options.body;
  if (options.headers !== undefined) init.headers = options.headers;
  if (options.body instanceof ReadableStream) init.duplex = 'half';
  const response = await fetch(url, init);
  const text = await response.text();
  let answer: Answer;
  try {
    answer = JSON.parse(text) as Answer;
  } catch {
    answer = { code: Number.NaN, message: text, codeDesc: '', canRetry: 0 };
  }
  return { status: response.status, answer, text, response };
}

export function md5Hex(bytes: Uint8Array): string {
  return SparkMD5.ArrayBuffer.hash(bytes.slice().buffer);
}

export function sha1Hex(bytes: Uint8Array): string {
  return bytesToHex(sha1(bytes));
}

/** Random bytes of any length (getRandomValues fills at most 64 KiB at a time). */
export function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += 65536) crypto.getRandomValues(bytes.subarray(offset, Math.min(length, offset + 65536)));
  return bytes;
}

export interface TestFile {
  bytes: Uint8Array;
  fileSha: string;
  fileSize: number;
}

export function makeFile(size: number): TestFile {
  const bytes = randomBytes(size);
  return { bytes, fileSha: sha1Hex(bytes), fileSize: size };
}

/** InitUpload params for a file. */
export function initParams(
  file: TestFile,
  dataSize = 1048576,
  extra: Record<string, string | number> = {},
): Record<string, string | number> {
  return { fileName: 'clip', fileSha: file.fileSha, fileSize: file.fileSize, dataSize, fileType: 'mp4', ...extra };
}

/** Sends the part at `offset` with the right md5 (unless `dataMd5` is given). */
export function sendPart(
  endpoint: string,
  file: TestFile,
  offset: number,
  dataSize: number,
  options: CallOptions & { dataMd5?: string } = {},
) {
  const bytes = file.bytes.subarray(offset, offset + dataSize);
  return call(
    endpoint,
    'UploadPart',
    { fileSha: file.fileSha, offset, dataSize: bytes.length, dataMd5: options.dataMd5 ?? md5Hex(bytes) },
    { body: bytes.slice(), headers: { 'Content-Type': 'application/octet-stream' }, ...options },
  );
}

/** Offsets and sizes of every part of a file. */
export function partsOf(fileSize: number, dataSize: number): { offset: number; dataSize: number }[] {
  const parts = [];
  for (let offset = 0; offset < fileSize; offset += dataSize) parts.push({ offset, dataSize: Math.min(dataSize, fileSize - offset) });
  return parts;
}

/** Init, every part, Finish: the whole upload. Returns Finish's answer. */
export async function uploadWhole(endpoint: string, file: TestFile, dataSize = 1048576, options: CallOptions = {}): Promise<Answer> {
  const init = await call(endpoint, 'InitUpload', initParams(file, dataSize), options);
  if (init.answer.code === 2) return init.answer;
  if (init.answer.code !== 0 && init.answer.code !== 1) throw new Error(`InitUpload answered ${init.text}`);
  const size = init.answer.code === 1 ? init.answer.dataSize! : dataSize;
  for (const part of partsOf(file.fileSize, size)) {
    const sent = await sendPart(endpoint, file, part.offset, part.dataSize, options);
    if (sent.answer.code !== 0) throw new Error(`UploadPart ${part.offset} answered ${sent.text}`);
  }
  return (await call(endpoint, 'FinishUpload', { fileSha: file.fileSha }, options)).answer;
}
