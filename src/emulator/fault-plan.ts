/**
 * Seeded random faults: a probability per kind of misbehaviour, drawn for every protocol request.
 * The draw depends only on the seed, the request's action, fileSha and offset, and how many times
 * that same request was seen before, so a run with concurrent parts faults the same requests
 * whatever order they arrive in.
 *
 * Written as a SPEC string for `vod-upload emulator --faults` and the `faults` option:
 *
 *     seed=7,all=0.2                     20 % of requests faulted, spread evenly over every kind
 *     seed=7,early=0.1,reset-during=0.05,latency=0.2,latency-ms=50
 *     seed=1,stall=1,stall-ms=60000,actions=FinishUpload
 */
import { VodArgumentError, type VodAction } from '../protocol/index.js';

/** The kinds of fault a plan can draw, in the order a draw walks them. */
export const PLAN_KINDS = [
  /** A protocol error answer with canRetry 1 (-10004), after reading the body. */
  'retry',
  /** Rate limited (4400), after reading the body. */
  '4400',
  /** Nonce/clock refusal (4500), after reading the body. */
  '4500',
  /** Internal error (6000), after reading the body. */
  '6000',
  /** HTTP 502 with an HTML page, as a proxy sends, after reading the body. */
  'html5xx',
  /** The connection is cut before a byte of the body is read. */
  'reset-before',
  /** The connection is cut after reading about half of the body. */
  'reset-during',
  /** The request is carried out, then the connection is cut instead of answering. */
  'reset-after',
  /** A protocol refusal (4500, canRetry 1) sent before reading the body. */
  'early',
  /** No answer and no reading for `stall-ms`, then the connection is cut. */
  'stall',
  /** The request is carried out and its JSON answer cut in half. */
  'truncated',
  /** An HTTP 200 whose body is not JSON, after reading the body. */
  'not-json',
  /** The request waits `latency-ms`, then is handled normally. */
  'latency',
] as const;
/** A kind of random fault a plan can draw. */
export type PlanKind = (typeof PLAN_KINDS)[number];

/** A parsed fault plan. */
export interface FaultPlan {
  /** Seed of the draws: the same seed gives the same faults for the same requests. */
  seed: number;
  /** Probability of each kind per request; their sum is at most 1. */
  rates: Partial<Record<PlanKind, number>>;
  /** How long a `stall` holds the request. Default 2000 ms. */
  stallMs: number;
  /** How long a `latency` fault waits. Default 100 ms. */
  latencyMs: number;
  /** Only requests of these actions are faulted. Default: all three. */
  actions: readonly VodAction[];
}

/** A fault plan: a SPEC string like `seed=7,all=0.2`, or the plan's fields. */
export type FaultPlanInput = string | (Partial<Omit<FaultPlan, 'rates'>> & { rates: Partial<Record<PlanKind, number>> });

const ALL_ACTIONS: readonly VodAction[] = ['InitUpload', 'UploadPart', 'FinishUpload'];
const MAX_WAIT_MS = 600_000;

function probability(name: string, text: string | number): number {
  const value = typeof text === 'number' ? text : /^(0|1|0?\.[0-9]+|1\.0*)$/.test(text) ? Number(text) : NaN;
  if (!(value >= 0 && value <= 1)) throw new VodArgumentError(`faults ${name}`, 'a probability from 0 to 1', text);
  return value;
}

function waitMs(name: string, text: string | number): number {
  const value = typeof text === 'number' ? text : /^[0-9]{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(Number.isInteger(value) && value >= 0 && value <= MAX_WAIT_MS))
    throw new VodArgumentError(`faults ${name}`, `whole ms from 0 to ${MAX_WAIT_MS}`, text);
  return value;
}

/** Parses (and checks) a SPEC string or a plan object; throws {@link VodArgumentError} naming the field. */
export function parseFaultPlan(input: FaultPlanInput): FaultPlan {
  if (typeof input !== 'string') {
    const rates: Partial<Record<PlanKind, number>> = {};
    for (const [kind, rate] of Object.entries(input.rates ?? {})) {
      if (!(PLAN_KINDS as readonly string[]).includes(kind))
        throw new VodArgumentError('faults.rates', `kinds among ${PLAN_KINDS.join(', ')}`, kind);
      rates[kind as PlanKind] = probability(kind, rate as number);
    }
    return checkSum({
      seed: seedOf(input.seed ?? 1),
      rates,
      stallMs: waitMs('stallMs', input.stallMs ?? 2000),
      latencyMs: waitMs('latencyMs', input.latencyMs ?? 100),
      actions: actionsOf(input.actions ?? ALL_ACTIONS),
    });
  }
  if (input.length > 1000) throw new VodArgumentError('faults', 'a SPEC of at most 1000 characters', input);
  const plan: FaultPlan = { seed: 1, rates: {}, stallMs: 2000, latencyMs: 100, actions: ALL_ACTIONS };
  let all: number | undefined;
  for (const item of input
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')) {
    const match = /^([a-z0-9-]+)=(.*)$/i.exec(item);
    if (!match) throw new VodArgumentError('faults', 'comma-separated name=value pairs, like "seed=7,all=0.2"', item);
    const [, name, value] = match as unknown as [string, string, string];
    if (name === 'seed') plan.seed = seedOf(value);
    else if (name === 'all') all = probability('all', value);
    else if (name === 'stall-ms') plan.stallMs = waitMs(name, value);
    else if (name === 'latency-ms') plan.latencyMs = waitMs(name, value);
    else if (name === 'actions') plan.actions = actionsOf(value.split('+'));
    else if ((PLAN_KINDS as readonly string[]).includes(name)) plan.rates[name as PlanKind] = probability(name, value);
    else throw new VodArgumentError('faults', `seed, all, stall-ms, latency-ms, actions or a kind (${PLAN_KINDS.join(', ')})`, name);
  }
  if (all !== undefined) {
    const unnamed = PLAN_KINDS.filter((kind) => plan.rates[kind] === undefined);
    for (const kind of unnamed) plan.rates[kind] = all / unnamed.length;
  }
  return checkSum(plan);
}

function seedOf(value: string | number): number {
  const seed = typeof value === 'number' ? value : /^[0-9]{1,10}$/.test(value) ? Number(value) : NaN;
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff))
    throw new VodArgumentError('faults seed', 'an integer from 0 to 4294967295', value);
  return seed;
}

function actionsOf(names: readonly string[]): VodAction[] {
  for (const name of names) {
    if (!(ALL_ACTIONS as readonly string[]).includes(name))
      throw new VodArgumentError('faults actions', 'InitUpload, UploadPart or FinishUpload joined by +', name);
  }
  return [...new Set(names)] as VodAction[];
}

function checkSum(plan: FaultPlan): FaultPlan {
  const sum = Object.values(plan.rates).reduce((total, rate) => total + rate, 0);
  if (sum > 1 + 1e-9) throw new VodArgumentError('faults', 'probabilities that add up to at most 1', Number(sum.toFixed(6)));
  return plan;
}

/** FNV-1a over the text, then a murmur3 finalizer: a well-spread 32-bit value. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Requests remembered for "seen before" counts; past this the counts start over (still seeded). */
const MAX_REMEMBERED = 100_000;

/** Draws faults for requests according to a plan. */
export class FaultDraw {
  readonly plan: FaultPlan;
  readonly #seen = new Map<string, number>();

  constructor(plan: FaultPlan) {
    this.plan = plan;
  }

  /** The fault for this request, or `undefined` for none. */
  draw(action: VodAction, fileSha: string, offset: number | undefined): PlanKind | undefined {
    if (!this.plan.actions.includes(action)) return undefined;
    const key = `${action}|${fileSha}|${offset ?? ''}`;
    const attempt = this.#seen.get(key) ?? 0;
    if (this.#seen.size >= MAX_REMEMBERED) this.#seen.clear();
    this.#seen.set(key, attempt + 1);
    let point = hash32(`${this.plan.seed}|${key}|${attempt}`) / 2 ** 32;
    for (const kind of PLAN_KINDS) {
      const rate = this.plan.rates[kind] ?? 0;
      if (point < rate) return kind;
      point -= rate;
    }
    return undefined;
  }
}
