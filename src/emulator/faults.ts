/**
 * Fault injection: a queue of rules that make the emulator misbehave on purpose, so client
 * retries, timeouts and parsing can be tested against real HTTP, plus an optional seeded plan
 * (fault-plan.ts) that faults requests at random when no rule matches.
 */
import { z } from 'zod';
import { partSize, type VodAction } from '../protocol/index.js';
import { FaultDraw, type FaultPlan, type PlanKind } from './fault-plan.js';

const match = {
  /** Only requests of this action (default: any). */
  action: z.enum(['InitUpload', 'UploadPart', 'FinishUpload']).optional(),
  /** Only UploadPart requests for this offset. */
  offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  /** How many matching requests the rule applies to (default 1; `Infinity` in-process for always). */
  times: z.number().int().min(1).max(1e9).or(z.literal(Infinity)).optional(),
};

/** One fault rule. Rules are tried in the order they were added; the first that matches applies. */
export const faultRule = z.discriminatedUnion('kind', [
  /** Answer with this protocol code instead of doing the work (before reading the body, unless `drain`). */
  z.object({
    ...match,
    kind: z.literal('answer'),
    code: z.number().int().min(-99999).max(99999),
    canRetry: z.union([z.literal(0), z.literal(1), z.boolean()]),
    message: z.string().max(1024).optional(),
    /** Read (and drop) the request body first, as a server that checks after receiving does. */
    drain: z.boolean().optional(),
  }),
  /** Answer with a raw HTTP response (e.g. a proxy's HTML 502 page). */
  z.object({
    ...match,
    kind: z.literal('http'),
    status: z.number().int().min(200).max(599),
    body: z.string().max(65536).optional(),
    contentType: z.string().max(256).optional(),
    drain: z.boolean().optional(),
  }),
  /**
   * Cut the connection: `before` reading the body, `during` it (after about half), or `after`
   * doing the work (the answer is lost). Node's server sends a TCP reset; other servers abort the
   * answer mid-way.
   */
  z.object({ ...match, kind: z.literal('reset'), when: z.enum(['before', 'during', 'after']) }),
  /**
   * Read `readBytes` of the body (default none), then neither read nor answer for `ms`, then cut
   * the connection. Logged when the stall begins, so a test can act while a part is half received.
   */
  z.object({
    ...match,
    kind: z.literal('stall'),
    ms: z.number().int().min(0).max(600_000),
    readBytes: z.number().int().min(0).max(1048576).optional(),
  }),
  /** Do the work, then send only the first half of the JSON answer. */
  z.object({ ...match, kind: z.literal('truncated') }),
  /** Read the body, then answer HTTP 200 with a body that is not JSON. */
  z.object({ ...match, kind: z.literal('notJson') }),
  /** Wait, then handle the request normally. */
  z.object({ ...match, kind: z.literal('delay'), ms: z.number().int().min(0).max(600_000) }),
  /** Never answer (until the client gives up or the emulator closes): for timeout tests. */
  z.object({ ...match, kind: z.literal('hang') }),
  /** Send `fileId` as a bare JSON number (Finish, and Init's instant answer). */
  z.object({ ...match, kind: z.literal('numericFileId') }),
  /** A new InitUpload session gets this part size and answers code 1 (resume) saying so. */
  z.object({ ...match, kind: z.literal('dataSize'), dataSize: partSize }),
]);
/** A fault rule as given to {@link FaultInjector.add} (see {@link faultRule}). */
export type FaultRule = z.input<typeof faultRule>;
/** The kinds of fault a rule can inject. */
export type FaultKind = FaultRule['kind'];
type ParsedRule = z.output<typeof faultRule>;

const MAX_RULES = 1000;

/** A fault to apply to one request: a rule's, or one drawn by the seeded plan (then `planned` names it). */
export type Fault = Extract<ParsedRule, { kind: RequestFaultKind }> & { planned?: PlanKind };
/** Kinds that replace or wrap the handling of a request (the others tweak one answer). */
export const REQUEST_FAULT_KINDS = ['answer', 'http', 'delay', 'hang', 'reset', 'stall', 'truncated', 'notJson'] as const;
type RequestFaultKind = (typeof REQUEST_FAULT_KINDS)[number];

const HTML_502 = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';

/** What each planned kind does, as a rule would say it. */
function plannedFault(kind: PlanKind, plan: FaultPlan): Fault {
  const base = { planned: kind };
  switch (kind) {
    case 'retry':
      return { ...base, kind: 'answer', code: -10004, canRetry: 1, message: 'injected fault: try again', drain: true };
    case '4400':
    case '4500':
    case '6000':
      return { ...base, kind: 'answer', code: Number(kind), canRetry: 1, message: `injected fault ${kind}`, drain: true };
    case 'html5xx':
      return { ...base, kind: 'http', status: 502, body: HTML_502, drain: true };
    case 'reset-before':
    case 'reset-during':
    case 'reset-after':
      return { ...base, kind: 'reset', when: kind.slice('reset-'.length) as 'before' | 'during' | 'after' };
    case 'early':
      return { ...base, kind: 'answer', code: 4500, canRetry: 1, message: 'injected fault: refused before the body was read' };
    case 'stall':
      return { ...base, kind: 'stall', ms: plan.stallMs };
    case 'truncated':
      return { ...base, kind: 'truncated' };
    case 'not-json':
      return { ...base, kind: 'notJson' };
    case 'latency':
      return { ...base, kind: 'delay', ms: plan.latencyMs };
  }
}

/** The queue of fault rules of one emulator, and its seeded plan if it has one. */
export class FaultInjector {
  #rules: { rule: ParsedRule; left: number }[] = [];
  readonly #draw: FaultDraw | undefined;

  constructor(plan?: FaultPlan) {
    this.#draw = plan && new FaultDraw(plan);
  }

  /** The seeded plan, if any. */
  get plan(): FaultPlan | undefined {
    return this.#draw?.plan;
  }

  /** Queues a rule (validated; throws a zod error naming the field when it is wrong). */
  add(rule: FaultRule): void {
    this.addAll([rule]);
  }

  /** Queues every rule or none: each is validated, and the queue's bound checked, before any is queued. */
  addAll(rules: readonly FaultRule[]): void {
    const parsed = rules.map((rule) => faultRule.parse(rule));
    if (this.#rules.length + parsed.length > MAX_RULES) throw new RangeError(`at most ${MAX_RULES} fault rules may be queued`);
    for (const rule of parsed) this.#rules.push({ rule, left: rule.times ?? 1 });
  }

  /** Drops every queued rule (and the plan's draws). */
  clear(): void {
    this.#rules = [];
  }

  /** Rules still queued, with how many times each will still apply. */
  pending(): (ParsedRule & { left: number })[] {
    return this.#rules.map(({ rule, left }) => ({ ...rule, left }));
  }

  /** Takes (and counts down) the first rule of one of `kinds` that matches the request. */
  take<K extends FaultKind>(
    kinds: readonly K[],
    action: VodAction,
    offset: number | undefined,
  ): Extract<ParsedRule, { kind: K }> | undefined {
    const index = this.#rules.findIndex(
      ({ rule }) =>
        (kinds as readonly string[]).includes(rule.kind) &&
        (rule.action === undefined || rule.action === action) &&
        (rule.offset === undefined || rule.offset === offset),
    );
    const found = this.#rules[index];
    if (!found) return undefined;
    if (--found.left <= 0) this.#rules.splice(index, 1);
    return found.rule as Extract<ParsedRule, { kind: K }>;
  }

  /** The fault for a request that passed the gate: the first matching rule, else the plan's draw. */
  next(action: VodAction, fileSha: string, offset: number | undefined): Fault | undefined {
    const rule = this.take(REQUEST_FAULT_KINDS, action, offset);
    if (rule) return rule;
    const kind = this.#draw?.draw(action, fileSha, offset);
    return kind && plannedFault(kind, this.#draw!.plan);
  }
}
