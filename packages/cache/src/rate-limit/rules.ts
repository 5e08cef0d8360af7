/**
 * Rate-limit rules as users write them, and their compiled form: whole milliseconds, checked once at
 * construction, with an `id` derived from the parameters so that changing a rule starts a fresh
 * counter instead of reinterpreting an old one under new semantics.
 */
import type { Duration } from '../../../../internal/src/index.ts';
import { checks, invalidOption as invalid } from '../errors.ts';

interface RuleBase {
  /** Name shown in the `RateLimit` / `RateLimit-Policy` headers and in `result.rules`. @default derived from the rule, e.g. `'100-per-1m'` */
  name?: string;
}

/** At most `limit` units per window; windows are aligned to the epoch (a `'1m'` window starts on the minute). */
export interface FixedWindowRule extends RuleBase {
  algorithm: 'fixed-window';
  /** Units allowed per window (a positive integer). */
  limit: number;
  /** Window length: milliseconds or a string like `'1m'`. */
  window: Duration;
}

/**
 * Sliding window counter: the previous window's count, weighted by how much of it still overlaps the
 * sliding window, plus the current window's count, must stay within `limit`. No burst of 2×`limit`
 * at a window boundary, at the cost of two counters per key.
 */
export interface SlidingWindowRule extends RuleBase {
  algorithm: 'sliding-window';
  /** Units allowed per sliding window (a positive integer). */
  limit: number;
  /** Window length: milliseconds or a string like `'1m'`. */
  window: Duration;
}

/** A bucket of `limit` tokens; `refill` tokens come back every `interval`, counted from when the bucket stopped being full. */
export interface TokenBucketRule extends RuleBase {
  algorithm: 'token-bucket';
  /** Bucket capacity: the largest burst (a positive integer). */
  limit: number;
  /** Tokens added per `interval` (a positive integer). @default limit */
  refill?: number;
  /** How often `refill` tokens are added: milliseconds or a string like `'1s'`. */
  interval: Duration;
}

/**
 * Generic cell rate algorithm: `limit` units per `window`, spaced evenly (one every `window / limit`),
 * with bursts of up to `burst` units. One timestamp per key; exact integer arithmetic.
 */
export interface GcraRule extends RuleBase {
  algorithm: 'gcra';
  /** Units per window (a positive integer). */
  limit: number;
  /** Window length: milliseconds or a string like `'1m'`. */
  window: Duration;
  /** Largest burst allowed at once (a positive integer). @default limit */
  burst?: number;
}

/** One rate-limit rule; a limiter checks all of its rules atomically. */
export type RateLimitRule = FixedWindowRule | SlidingWindowRule | TokenBucketRule | GcraRule;

/** The algorithms a rule may use. */
export type RateLimitAlgorithm = RateLimitRule['algorithm'];

/** A validated rule: every duration in whole milliseconds, every default applied. */
export interface CompiledRule {
  /** Stable id of the rule's parameters; part of the storage key. */
  readonly id: string;
  readonly name: string;
  readonly algorithm: RateLimitAlgorithm;
  /** Largest number of units the rule ever allows at once (the quota in headers). */
  readonly limit: number;
  /** fixed/sliding/gcra: the window; token bucket: the refill interval. */
  readonly windowMs: number;
  /** token bucket: tokens per interval; gcra: the rate (units per window; `limit` is then the burst); otherwise 0. */
  readonly extra: number;
  /** Length of the policy for the `RateLimit-Policy` `w` parameter: the time a full quota takes to come back. */
  readonly policyWindowMs: number;
}

const algorithmCodes: Record<RateLimitAlgorithm, string> = {
  'fixed-window': 'fw',
  'sliding-window': 'sw',
  'token-bucket': 'tb',
  gcra: 'gcra',
};

/** Validates `rules` (the `limits` option) and compiles them; throws `ERR_CACHE_INVALID_OPTION` naming the field. */
export function compileRules(rules: unknown, option = 'limits'): CompiledRule[] {
  const list = Array.isArray(rules) ? rules : [rules];
  if (rules === undefined || list.length === 0) throw invalid(option, 'needs at least one rule');
  // Each rule becomes a handful of Lua locals in the Redis script (Lua allows 200).
  if (list.length > 16) throw invalid(option, `holds ${list.length} rules; at most 16 are supported`);
  const compiled = list.map((rule, index) => compileRule(rule, list.length === 1 ? option : `${option}[${index}]`));
  const seen = new Set<string>();
  for (const rule of compiled) {
    if (seen.has(rule.id)) throw invalid(option, `holds the same rule twice (${rule.id})`);
    seen.add(rule.id);
  }
  const names = new Set(compiled.map((rule) => rule.name));
  if (names.size !== compiled.length) throw invalid(option, 'rule names must be unique');
  return compiled;
}

function compileRule(rule: unknown, option: string): CompiledRule {
  if (typeof rule !== 'object' || rule === null) throw invalid(option, 'must be a rule object');
  const r = rule as Partial<Record<string, unknown>>;
  const algorithm = r.algorithm;
  if (typeof algorithm !== 'string' || !(algorithm in algorithmCodes)) {
    throw invalid(`${option}.algorithm`, `must be one of ${Object.keys(algorithmCodes).join(', ')}`);
  }
  const limit = positiveInteger(r.limit, `${option}.limit`);
  if (limit > 1e12) throw invalid(`${option}.limit`, 'must be at most 10^12');
  let windowMs: number;
  let extra = 0;
  let policyWindowMs: number;
  if (algorithm === 'token-bucket') {
    windowMs = duration(r.interval, `${option}.interval`);
    extra = r.refill === undefined ? limit : positiveInteger(r.refill, `${option}.refill`);
    policyWindowMs = Math.ceil(limit / extra) * windowMs;
  } else {
    windowMs = duration(r.window, `${option}.window`);
    policyWindowMs = windowMs;
    if (algorithm === 'gcra') {
      extra = r.burst === undefined ? limit : positiveInteger(r.burst, `${option}.burst`);
      policyWindowMs = Math.ceil((extra * windowMs) / limit);
    }
  }
  // The algorithms multiply limits by windows; keep every product exact in a double (and in Lua).
  if (Math.max(limit, extra) * windowMs * 4 > Number.MAX_SAFE_INTEGER) {
    throw invalid(`${option}.limit`, 'times the window is too large for exact arithmetic');
  }
  const code = algorithmCodes[algorithm as RateLimitAlgorithm];
  const id = [code, limit, windowMs, ...(extra ? [extra] : [])].join(':');
  const name = r.name === undefined ? defaultName(limit, windowMs, algorithm) : r.name;
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.:-]{1,64}$/.test(name)) {
    throw invalid(`${option}.name`, 'must be 1-64 characters of letters, digits, _ . : -');
  }
  // A GCRA rule's quota (the most it allows at once) is its burst; its rate travels in `extra`.
  if (algorithm === 'gcra') return { id, name, algorithm, limit: extra, windowMs, extra: limit, policyWindowMs };
  return { id, name, algorithm: algorithm as RateLimitAlgorithm, limit, windowMs, extra, policyWindowMs };
}

function defaultName(limit: number, windowMs: number, algorithm: string): string {
  const per = algorithm === 'token-bucket' ? 'bucket' : `per-${formatMs(windowMs)}`;
  return `${limit}-${per}`;
}

function formatMs(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

function duration(value: unknown, option: string): number {
  if (typeof value !== 'number' && typeof value !== 'string')
    throw invalid(option, "is required (ms or a string like '1m')");
  return checks.duration(value, option, { positive: true });
}

function positiveInteger(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw invalid(option, `must be a positive integer, got ${String(value)}`);
  }
  return value;
}
