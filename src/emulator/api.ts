/**
 * One protocol request, from query string to answer: bounds, the gate, fault rules, the action's
 * schema, the action itself, the log.
 */
import { ErrorCode, wireSchemas, type HttpMethod, type VodAction } from '../protocol/index.js';
import { finishUpload, initUpload, StorageFailure, uploadPart, type ActionContext } from './actions.js';
import { answer, answerText, jsonResponse, textResponse, type Answer } from './answer.js';
import { applyFault } from './fault-effects.js';
import type { FaultInjector } from './faults.js';
import type { Gate } from './gate.js';
import type { LogEntry, RequestLog } from './log.js';

/** Bounds on the query string, checked before anything else reads it. */
export const QUERY_LIMITS = { length: 8192, params: 64, nameLength: 64, valueLength: 2048 } as const;
const COMMON_NAMES = new Set(['Action', 'Region', 'Timestamp', 'Nonce', 'SecretId', 'Signature', 'SignatureMethod', 'RequestClient']);
const ACTIONS = new Set<string>(['InitUpload', 'UploadPart', 'FinishUpload']);

export interface ApiDeps extends Omit<ActionContext, 'request' | 'secretId' | 'publicUrl'> {
  gate: Gate;
  log: RequestLog;
  faults: FaultInjector;
  publicUrl: string | undefined;
  /** Resolves when the emulator closes (ends `hang` faults). */
  closed: Promise<void>;
}

type Query = Record<string, string>;

/** Reads the query string within bounds; an answer instead when it breaks them. */
function readQuery(url: URL): { query: Query } | { answer: Answer } {
  if (url.search.length > QUERY_LIMITS.length) {
    return { answer: answer(ErrorCode.CommonParams, `query string longer than ${QUERY_LIMITS.length} characters`, 0) };
  }
  // No prototype: a parameter named `__proto__` is a parameter like any other.
  const query: Query = Object.create(null) as Query;
  let count = 0;
  for (const [name, value] of url.searchParams) {
    if (++count > QUERY_LIMITS.params) return { answer: answer(ErrorCode.CommonParams, `more than ${QUERY_LIMITS.params} parameters`, 0) };
    const code = COMMON_NAMES.has(name) ? ErrorCode.CommonParams : ErrorCode.ProtocolParams;
    if (name.length > QUERY_LIMITS.nameLength)
      return { answer: answer(code, `a parameter name is longer than ${QUERY_LIMITS.nameLength} characters`, 0) };
    if (value.length > QUERY_LIMITS.valueLength)
      return { answer: answer(code, `${name}: longer than ${QUERY_LIMITS.valueLength} characters`, 0) };
    if (Object.hasOwn(query, name)) return { answer: answer(code, `${name}: given more than once`, 0) };
    query[name] = value;
  }
  return { query };
}

const decimalOrUndefined = (value: string | undefined): number | undefined =>
  value !== undefined && /^(0|[1-9][0-9]{0,15})$/.test(value) ? Number(value) : undefined;

export async function handleApi(request: Request, url: URL, deps: ApiDeps): Promise<Response> {
  const method = request.method;
  if (method !== 'GET' && method !== 'POST') {
    return textResponse(405, 'Method Not Allowed: the API takes POST (and GET for InitUpload and FinishUpload)', request, {
      Allow: 'GET, POST, OPTIONS',
    });
  }
  const read = readQuery(url);
  const query = 'query' in read ? read.query : {};
  const action = ACTIONS.has(query.Action ?? '') ? (query.Action as VodAction) : null;
  const offset = decimalOrUndefined(query.offset);
  const entry: LogEntry = {
    time: deps.now(),
    action,
    secretId: (query.SecretId ?? '').slice(0, 128),
    fileSha: (query.fileSha ?? '').slice(0, 64),
    code: null,
  };
  const traceId = request.headers.get('x-trace-id');
  if (traceId !== null) entry.traceId = traceId.slice(0, 128);
  if (action === 'UploadPart') {
    if (offset !== undefined) entry.offset = offset;
    const dataSize = decimalOrUndefined(query.dataSize);
    if (dataSize !== undefined) entry.dataSize = dataSize;
    deps.log.partStarted();
  }
  deps.log.requestStarted();
  const finish = (value: Answer, numericFileId = false): Response => {
    entry.code = value.code;
    deps.log.add(entry);
    // A refused body may still be arriving: closing the connection stops it instead of draining it.
    const extra = value.code === ErrorCode.BodyInvalid && value.canRetry === 1 ? { Connection: 'close' } : undefined;
    return jsonResponse(answerText(value, numericFileId), request, extra);
  };
  try {
    if ('answer' in read) return finish(read.answer);
    const hosts = [url.host, request.headers.get('Host') ?? url.host];
    const gate = await deps.gate.check(method as HttpMethod, hosts, url.pathname, query);
    if (!gate.ok) return finish(gate.answer);
    const act = gate.common.Action;
    if (act === 'UploadPart' && method !== 'POST')
      return finish(answer(ErrorCode.ProtocolParams, 'UploadPart takes POST with the part as its body', 0));

    const work = async (): Promise<Response> => {
      const parsed = wireSchemas[act].safeParse(query);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const name = String(issue?.path[0] ?? 'parameters');
        return finish(answer(ErrorCode.ProtocolParams, `${name}: ${issue?.message ?? 'invalid'}`, 0));
      }
      const context: ActionContext = { ...deps, request, secretId: gate.common.SecretId, publicUrl: deps.publicUrl ?? url.origin };
      let result: Answer;
      if (act === 'InitUpload') result = await initUpload(context, parsed.data as Parameters<typeof initUpload>[1]);
      else if (act === 'UploadPart') result = await uploadPart(context, parsed.data as Parameters<typeof uploadPart>[1]);
      else result = await finishUpload(context, parsed.data as Parameters<typeof finishUpload>[1]);
      const numeric = typeof result.fileId === 'string' && deps.faults.take(['numericFileId'], act, offset) !== undefined;
      if (numeric) entry.fault = 'numericFileId';
      return finish(result, numeric);
    };
    const fault = deps.faults.next(act, entry.fileSha, offset);
    if (!fault) return await work();
    entry.fault = fault.planned ?? fault.kind;
    return await applyFault(fault, { request, closed: deps.closed, proceed: work, answerWith: finish, logRaw: () => deps.log.add(entry) });
  } catch (error) {
    if (error instanceof StorageFailure) {
      return finish(
        error.kind === 'write' ? answer(ErrorCode.CacheWrite, error.message, 1) : answer(ErrorCode.CacheRead, error.message, 1),
      );
    }
    return finish(
      answer(ErrorCode.Internal, `internal error: ${error instanceof Error ? error.message : String(error)}`.slice(0, 1000), 1),
    );
  } finally {
    if (action === 'UploadPart') deps.log.partEnded();
    deps.log.requestEnded();
  }
}
