/**
 * The control API under `/_emulator/`, so tests in other processes and runtimes (Deno, Bun, a
 * browser, workerd) can read the request log and queue faults over HTTP.
 *
 * - `GET /_emulator/health` → `{ok: true}`
 * - `GET /_emulator/log` → {@link LogSummary} (`?entries=0` leaves the entries out)
 * - `POST /_emulator/log/clear`
 * - `GET /_emulator/faults` → the queued rules
 * - `POST /_emulator/faults` with a JSON {@link FaultRule} or an array of them
 * - `DELETE /_emulator/faults`
 */
import { jsonResponse, textResponse } from './answer.js';
import { readTextAtMost } from '../util/read-text.js';
import { faultRule, type FaultInjector, type FaultRule } from './faults.js';
import type { LogSummary, RequestLog } from './log.js';

/** Control bodies are a rule or a few: 128 KiB covers an HTML page for an `http` fault. */
const MAX_CONTROL_BODY = 128 * 1024;
const MAX_RULES_PER_POST = 100;

function json(request: Request, value: unknown, status = 200): Response {
  const response = jsonResponse(JSON.stringify(value), request);
  return status === 200 ? response : new Response(response.body, { status, headers: response.headers });
}

/**
 * The control API is for tests and tools on this machine, not for web pages: a page from another
 * origin could otherwise queue faults or clear the log with a simple POST (no preflight). Browsers
 * name their origin; Node, Deno, Bun and workerd send none. Only loopback hosts and origins are
 * answered (see `foreignCaller`). Answers carry no CORS headers.
 */
export async function handleControl(request: Request, path: string, url: URL, log: RequestLog, faults: FaultInjector): Promise<Response> {
  const refusal = foreignCaller(request, url);
  const response =
    refusal !== undefined
      ? new Response(`Forbidden: ${refusal}`, { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
      : await route(request, path, url, log, faults);
  for (const name of [...response.headers.keys()]) if (name.startsWith('access-control-')) response.headers.delete(name);
  return response;
}

/** `localhost`, 127.0.0.0/8 and ::1: names that only ever reach this machine. */
function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Why the caller may not use the control API, or undefined. The Host header is the caller's to
 * choose (DNS rebinding: a page of rebind.example, re-pointed at 127.0.0.1, sends Host and Origin
 * rebind.example), so neither it nor an origin built from it is trusted: both must be loopback.
 */
function foreignCaller(request: Request, url: URL): string | undefined {
  if (!isLoopback(url.hostname))
    return `the control API answers only requests addressed to a loopback host, not ${url.hostname.slice(0, 100)}`;
  const origin = request.headers.get('Origin');
  if (origin === null) return undefined;
  let hostname: string;
  try {
    hostname = new URL(origin).hostname;
  } catch {
    return `the control API answers no other origin (${origin.slice(0, 100)})`;
  }
  return isLoopback(hostname) ? undefined : `the control API answers no other origin (${origin.slice(0, 100)})`;
}

async function route(request: Request, path: string, url: URL, log: RequestLog, faults: FaultInjector): Promise<Response> {
  const route = `${request.method} ${path}`;
  switch (route) {
    case 'GET /_emulator/health':
      return json(request, { ok: true });
    case 'GET /_emulator/log': {
      const summary: Partial<LogSummary> = log.summary();
      if (url.searchParams.get('entries') === '0') delete summary.entries;
      return json(request, summary);
    }
    case 'POST /_emulator/log/clear':
      log.clear();
      return json(request, { ok: true });
    case 'GET /_emulator/faults':
      return json(request, { rules: faults.pending() });
    case 'DELETE /_emulator/faults':
      faults.clear();
      return json(request, { ok: true });
    case 'POST /_emulator/faults':
      return addFaults(request, faults);
    default:
      return textResponse(404, `Not Found: the control API has no ${route}`, request);
  }
}

async function addFaults(request: Request, faults: FaultInjector): Promise<Response> {
  const text = await readTextAtMost(request, MAX_CONTROL_BODY);
  if (text === undefined) return json(request, { error: `body larger than ${MAX_CONTROL_BODY} bytes` }, 413);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return json(request, { error: 'body is not JSON: expected a fault rule or an array of them' }, 400);
  }
  const items: unknown[] = Array.isArray(value) ? value : [value];
  if (items.length > MAX_RULES_PER_POST) return json(request, { error: `at most ${MAX_RULES_PER_POST} rules per request` }, 400);
  // All or nothing: every rule is checked, and then the room left in the queue (addAll), before any is queued.
  const rules: FaultRule[] = [];
  for (const [index, item] of items.entries()) {
    const parsed = faultRule.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = [index, ...(issue?.path ?? [])].join('.');
      return json(request, { error: `invalid fault rule at ${where}: ${issue?.message ?? 'invalid'}` }, 400);
    }
    rules.push(item as FaultRule);
  }
  try {
    faults.addAll(rules);
  } catch (error) {
    return json(request, { error: error instanceof Error ? error.message : String(error) }, 400);
  }
  return json(request, { ok: true, pending: faults.pending().length });
}
