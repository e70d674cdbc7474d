/**
 * What counts as an upload request of this protocol, shared by the signing handler and the upload
 * proxy: the action, the method it may use, the Region, the action's parameters (the wire
 * schemas the emulator uses) and the deployment's limits (file size, file types).
 */
import {
  ambiguousParam,
  commonWireParams,
  ErrorCode,
  VodArgumentError,
  wireSchemas,
  type ActionParams,
  type HttpMethod,
  type VodAction,
} from '../protocol/index.js';

/** One upload request as the app's `authorize` hook sees it: action, typed parameters, Region. */
export type UploadCall = { [A in VodAction]: { action: A; params: ActionParams[A]; region: string } }[VodAction];

/** Limits a deployment puts on what it signs or forwards. */
export interface UploadLimits {
  /** Largest `fileSize` InitUpload may declare, in bytes. Default: no limit. */
  maxFileSize?: number;
  /** Allowed `fileType`s (extensions without the dot, compared case-insensitively). Default: any. */
  allowedTypes?: readonly string[];
  /** Allowed `Region`s. Default: any. */
  regions?: readonly string[];
}

/** A refusal in the protocol's terms: the code and a message naming what was wrong. */
export interface Refusal {
  /** The protocol code answered (e.g. 4300). */
  code: number;
  /** What was wrong, for the caller. */
  message: string;
  /** Whether sending the same request again can succeed. */
  canRetry: 0 | 1;
}

export type CheckResult = { ok: true; call: UploadCall } | { ok: false; refusal: Refusal };

const ACTIONS: ReadonlySet<string> = new Set<VodAction>(['InitUpload', 'UploadPart', 'FinishUpload']);
/** Methods each action may use (PROTOCOL.md, "Transport"). */
const METHODS: Readonly<Record<VodAction, readonly HttpMethod[]>> = {
  InitUpload: ['POST', 'GET'],
  UploadPart: ['POST'],
  FinishUpload: ['POST', 'GET'],
};

/** Common parameters of every action (PROTOCOL.md, "Common parameters"). */
const COMMON_NAMES = ['Action', 'Region', 'Timestamp', 'Nonce', 'SecretId', 'Signature', 'SignatureMethod', 'RequestClient'];
/** Each action's own parameters; InitUpload's tags come as `tag.N` (or `tags.N`, `_` for `.`). */
const ACTION_NAMES: Readonly<Record<VodAction, ReadonlySet<string>>> = {
  InitUpload: new Set([
    ...COMMON_NAMES,
    'fileName',
    'fileSha',
    'fileSize',
    'dataSize',
    'fileType',
    'classId',
    'isTranscode',
    'isScreenshot',
    'isWatermark',
  ]),
  UploadPart: new Set([...COMMON_NAMES, 'fileSha', 'offset', 'dataSize', 'dataMd5']),
  FinishUpload: new Set([...COMMON_NAMES, 'fileSha']),
};
const TAG_NAME = /^tags?[._][0-9]{1,2}$/;

function unknownParam(action: VodAction, params: Readonly<Record<string, string>>): string | undefined {
  return Object.keys(params).find((name) => !ACTION_NAMES[action].has(name) && !(action === 'InitUpload' && TAG_NAME.test(name)));
}

const refuse = (code: number, message: string, canRetry: 0 | 1 = 0): CheckResult => ({ ok: false, refusal: { code, message, canRetry } });

/** Validates limits once, when a handler is created. */
export function resolveLimits(limits: UploadLimits | undefined): UploadLimits {
  if (limits === undefined) return {};
  if (typeof limits !== 'object' || limits === null) throw new VodArgumentError('limits', 'an object', limits);
  const { maxFileSize, allowedTypes, regions } = limits;
  if (maxFileSize !== undefined && !(Number.isSafeInteger(maxFileSize) && maxFileSize >= 1)) {
    throw new VodArgumentError('limits.maxFileSize', 'a positive integer number of bytes', maxFileSize);
  }
  for (const [name, list] of [
    ['allowedTypes', allowedTypes],
    ['regions', regions],
  ] as const) {
    if (list !== undefined && !(Array.isArray(list) && list.every((item) => typeof item === 'string' && item.length > 0))) {
      throw new VodArgumentError(`limits.${name}`, 'an array of non-empty strings', list);
    }
  }
  return {
    ...(maxFileSize !== undefined ? { maxFileSize } : {}),
    ...(allowedTypes !== undefined ? { allowedTypes: allowedTypes.map((type) => type.toLowerCase()) } : {}),
    ...(regions !== undefined ? { regions: [...regions] } : {}),
  };
}

/**
 * Checks one request's method and parameters (raw query values): only the action's known
 * parameters, none holding `&`, `=` or a control character (see `ambiguousParam`). Common
 * parameters other than Action and Region are not looked at further: the signer or the proxy
 * supplies Timestamp, Nonce, SecretId and Signature itself.
 */
export function checkUploadRequest(method: string, params: Readonly<Record<string, string>>, limits: UploadLimits): CheckResult {
  // First, before any value is read: a set whose string to sign is ambiguous is never signed.
  const ambiguous = ambiguousParam(params);
  if (ambiguous !== undefined) return refuse(ErrorCode.ProtocolParams, ambiguous.message);
  const action = params.Action;
  if (action === undefined || action === '') return refuse(ErrorCode.CommonParams, 'Action: missing');
  if (!ACTIONS.has(action)) {
    return refuse(
      ErrorCode.UnsupportedAction,
      `Action ${JSON.stringify(action.slice(0, 64))} is not an upload action (expected InitUpload, UploadPart or FinishUpload)`,
    );
  }
  const uploadAction = action as VodAction;
  const unknown = unknownParam(uploadAction, params);
  if (unknown !== undefined) {
    return refuse(
      ErrorCode.ProtocolParams,
      `${JSON.stringify(unknown.slice(0, 64))} is not a parameter of ${uploadAction}: only the protocol's own parameters are signed`,
    );
  }
  if (!(METHODS[uploadAction] as readonly string[]).includes(method)) {
    return refuse(ErrorCode.ParamError, `${uploadAction} takes ${METHODS[uploadAction].join(' or ')}, not ${method.slice(0, 16)}`);
  }
  const region = commonWireParams.shape.Region.safeParse(params.Region);
  if (!region.success) return refuse(ErrorCode.CommonParams, 'Region: expected a string of 1 to 64 characters');
  if (limits.regions && !limits.regions.includes(region.data)) {
    return refuse(ErrorCode.AccessDenied, `Region ${JSON.stringify(region.data)} is not allowed here`);
  }
  const parsed = wireSchemas[uploadAction].safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue?.path.map(String).join('.') || 'parameters';
    return refuse(ErrorCode.ProtocolParams, `${uploadAction} ${name}: ${(issue?.message ?? 'invalid').replace(/^Invalid input: /, '')}`);
  }
  const call = { action: uploadAction, params: parsed.data, region: region.data } as UploadCall;
  if (call.action === 'InitUpload') {
    const { fileSize, fileType } = call.params;
    if (limits.maxFileSize !== undefined && fileSize > limits.maxFileSize) {
      return refuse(ErrorCode.AccessDenied, `fileSize ${fileSize} exceeds this deployment's limit of ${limits.maxFileSize} bytes`);
    }
    if (limits.allowedTypes && !limits.allowedTypes.includes(fileType.toLowerCase())) {
      return refuse(
        ErrorCode.AccessDenied,
        `fileType ${JSON.stringify(fileType)} is not allowed here (allowed: ${limits.allowedTypes.join(', ')})`,
      );
    }
  }
  return { ok: true, call };
}
