/** The shape a rate limiter answers with, and how a store's per-rule verdicts become one result. */
import type { CacheError } from '../errors.ts';
import type { CompiledRule, RateLimitAlgorithm } from './rules.ts';
import type { RateLimitStoreResult } from './store.ts';

/**
 * Which path decided a request:
 * - `'within-limit'` / `'over-limit'`: the store counted it against the rules;
 * - `'blocked'`: the key is blocked (the `block` option or `limiter.block()`);
 * - `'fail-open'` / `'fail-closed'`: the store failed or timed out and `onStoreError` is `'allow'` / `'deny'`;
 * - `'insurance'`: the store failed or timed out and the in-memory insurance limiter decided.
 */
export type RateLimitReason = 'within-limit' | 'over-limit' | 'blocked' | 'fail-open' | 'fail-closed' | 'insurance';

/** One rule's state after a request. */
export interface RateLimitRuleResult {
  /** The rule's name (its policy name in the headers). */
  name: string;
  algorithm: RateLimitAlgorithm;
  /** The rule's quota: the most units it allows at once. */
  limit: number;
  /** How long a full quota takes to come back, for the `RateLimit-Policy` `w` parameter. */
  windowMs: number;
  allowed: boolean;
  remaining: number;
  /** Epoch ms when this rule's quota is fully back. */
  resetAt: number;
  /** When this rule rejected: ms until the same request would pass it; otherwise 0. */
  retryAfterMs: number;
}

/** The answer to `consume` / `peek`. */
export interface RateLimitResult {
  allowed: boolean;
  /** Quota of the binding rule (the one that rejected, or the one with the least left). */
  limit: number;
  /** Units left under the binding rule. */
  remaining: number;
  /** Epoch ms when the binding rule's quota is fully back. */
  resetAt: number;
  /** When rejected: ms until the same request would be allowed (no other traffic assumed); otherwise 0. */
  retryAfterMs: number;
  /** Which path decided; see {@link RateLimitReason}. */
  reason: RateLimitReason;
  /** Every rule's state, in the order of the `limits` option; empty when no store decided. */
  rules: readonly RateLimitRuleResult[];
  /** Epoch ms the decision was taken at, by the deciding clock (Redis server time for the Redis store). */
  decidedAt: number;
  /** The store failure behind a `'fail-open'`, `'fail-closed'` or `'insurance'` decision. */
  error?: CacheError;
}

/** Builds the limiter's result from a store's verdict. Plain loops: this runs on every request. */
export function toResult(
  decision: RateLimitStoreResult,
  rules: readonly CompiledRule[],
  reason?: 'insurance',
): RateLimitResult {
  const { now, blockedUntil } = decision;
  const ruleResults: RateLimitRuleResult[] = new Array(rules.length);
  // The binding rule: among rejecting rules the one asking for the longest wait, else the tightest.
  let binding: RateLimitRuleResult | undefined;
  let rejecting = false;
  let retryAfterMs = blockedUntil > now ? blockedUntil - now : 0;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i] as CompiledRule;
    const verdict = decision.rules[i];
    const result: RateLimitRuleResult = {
      name: rule.name,
      algorithm: rule.algorithm,
      limit: rule.limit,
      windowMs: rule.policyWindowMs,
      allowed: verdict?.allowed ?? false,
      remaining: verdict?.remaining ?? 0,
      resetAt: verdict?.resetAt ?? now,
      retryAfterMs: verdict?.retryAfterMs ?? 0,
    };
    ruleResults[i] = result;
    if (!result.allowed) {
      if (result.retryAfterMs > retryAfterMs) retryAfterMs = result.retryAfterMs;
      if (!rejecting || result.retryAfterMs > (binding as RateLimitRuleResult).retryAfterMs) binding = result;
      rejecting = true;
    } else if (!rejecting && (binding === undefined || isTighter(result, binding))) {
      binding = result;
    }
  }
  const chosen = binding as RateLimitRuleResult;
  if (decision.allowed) {
    return {
      allowed: true,
      limit: chosen.limit,
      remaining: chosen.remaining,
      resetAt: chosen.resetAt,
      retryAfterMs: 0,
      decidedAt: now,
      reason: reason ?? 'within-limit',
      rules: ruleResults,
    };
  }
  const blocked = blockedUntil > now;
  return {
    allowed: false,
    limit: chosen.limit,
    remaining: blocked ? 0 : chosen.remaining,
    resetAt: blocked ? Math.max(chosen.resetAt, blockedUntil) : chosen.resetAt,
    retryAfterMs,
    decidedAt: now,
    reason: reason ?? (decision.blocked ? 'blocked' : 'over-limit'),
    rules: ruleResults,
  };
}

function isTighter(a: RateLimitRuleResult, b: RateLimitRuleResult): boolean {
  return a.remaining < b.remaining || (a.remaining === b.remaining && a.resetAt > b.resetAt);
}
