/**
 * Fault injection: a queue of rules that make the emulator misbehave on purpose, so client
 * retries, timeouts and parsing can be tested against real HTTP.
 */
import { z } from 'zod';
import { partSize, type VodAction } from '../protocol/index.js';

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
  /** Answer with this protocol code instead of doing the work. */
  z.object({
    ...match,
    kind: z.literal('answer'),
    code: z.number().int().min(-99999).max(99999),
    canRetry: z.union([z.literal(0), z.literal(1), z.boolean()]),
    message: z.string().max(1024).optional(),
  }),
  /** Answer with a raw HTTP response (e.g. a proxy's HTML 502 page). */
  z.object({
    ...match,
    kind: z.literal('http'),
    status: z.number().int().min(200).max(599),
    body: z.string().max(65536).optional(),
    contentType: z.string().max(256).optional(),
  }),
  /** Wait, then handle the request normally. */
  z.object({ ...match, kind: z.literal('delay'), ms: z.number().int().min(0).max(600_000) }),
  /** Never answer (until the client gives up or the emulator closes): for timeout tests. */
  z.object({ ...match, kind: z.literal('hang') }),
  /** Send `fileId` as a bare JSON number (Finish, and Init's instant answer). */
  z.object({ ...match, kind: z.literal('numericFileId') }),
  /** A new InitUpload session gets this part size and answers code 1 (resume) saying so. */
  z.object({ ...match, kind: z.literal('dataSize'), dataSize: partSize }),
]);
export type FaultRule = z.input<typeof faultRule>;
export type FaultKind = FaultRule['kind'];
type ParsedRule = z.output<typeof faultRule>;

const MAX_RULES = 1000;

/** The queue of fault rules of one emulator. */
export class FaultInjector {
  #rules: { rule: ParsedRule; left: number }[] = [];

  /** Queues a rule (validated; throws a zod error naming the field when it is wrong). */
  add(rule: FaultRule): void {
    const parsed = faultRule.parse(rule);
    if (this.#rules.length >= MAX_RULES) throw new RangeError(`at most ${MAX_RULES} fault rules may be queued`);
    this.#rules.push({ rule: parsed, left: parsed.times ?? 1 });
  }

  clear(): void {
    this.#rules = [];
  }

  /** Rules still queued, with how many times each will still apply. */
  pending(): (ParsedRule & { left: number })[] {
    return this.#rules.map(({ rule, left }) => ({ ...rule, left }));
  }

  /** Takes (and counts down) the first rule of one of `kinds` that matches the request. */
  take<K extends FaultKind>(kinds: readonly K[], action: VodAction, offset: number | undefined): Extract<ParsedRule, { kind: K }> | undefined {
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
}
