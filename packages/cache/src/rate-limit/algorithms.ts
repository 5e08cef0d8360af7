/**
 * The four algorithms as pure functions over a small integer state. The Redis script
 * (`redis/rate-limit.lua.ts`) is a line-by-line port of this file; the shared conformance tests hold
 * the two to the same results at every window boundary.
 *
 * Everything is integer arithmetic on milliseconds: a GCRA emission interval of 1000/3 ms is kept as
 * whole milliseconds plus a remainder in units of 1/limit ms, so no float rounding can move a boundary.
 */
import type { CompiledRule } from './rules.ts';

/** What one rule says about a request at `now`. */
export interface RuleEvaluation {
  /** Whether this rule would let `cost` units through. */
  allowed: boolean;
  /** When rejected: milliseconds until the same request would pass this rule (no other traffic assumed). */
  retryAfterMs: number;
  /** Units left and full-reset time if nothing is consumed. */
  remaining: number;
  resetAt: number;
  /** Units left and full-reset time after consuming `cost`. */
  remainingAfter: number;
  resetAtAfter: number;
  /** The state to store after consuming, and for how long it matters. */
  next: number[];
  ttlMs: number;
}

/** Floor division that stays exact where a float quotient would round up to the next integer. */
export function floorDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  if (q * b > a) q--;
  else if ((q + 1) * b <= a) q++;
  return q;
}

function ceilDiv(a: number, b: number): number {
  return -floorDiv(-a, b);
}

/** Evaluates one rule against its stored state (`undefined` when the key is absent). */
export function evaluateRule(
  rule: CompiledRule,
  state: readonly number[] | undefined,
  now: number,
  cost: number,
): RuleEvaluation {
  switch (rule.algorithm) {
    case 'fixed-window':
      return fixedWindow(rule.limit, rule.windowMs, state, now, cost);
    case 'sliding-window':
      return slidingWindow(rule.limit, rule.windowMs, state, now, cost);
    case 'token-bucket':
      return tokenBucket(rule.limit, rule.extra, rule.windowMs, state, now, cost);
    case 'gcra':
      return gcra(rule.extra, rule.windowMs, rule.limit, state, now, cost);
  }
}

/** State: [windowStart, count]. */
function fixedWindow(
  limit: number,
  window: number,
  state: readonly number[] | undefined,
  now: number,
  cost: number,
): RuleEvaluation {
  const start = now - (now % window);
  const count = state !== undefined && state[0] === start ? (state[1] ?? 0) : 0;
  const allowed = count + cost <= limit;
  const resetAt = start + window;
  return {
    allowed,
    retryAfterMs: allowed ? 0 : resetAt - now,
    remaining: Math.max(0, limit - count),
    resetAt,
    remainingAfter: Math.max(0, limit - count - cost),
    resetAtAfter: resetAt,
    next: [start, count + cost],
    ttlMs: resetAt - now,
  };
}

/**
 * State: [windowStart, current, previous]. The estimate is previous × (window − elapsed) / window +
 * current; every comparison is multiplied through by `window` so it stays in integers.
 */
function slidingWindow(
  limit: number,
  window: number,
  state: readonly number[] | undefined,
  now: number,
  cost: number,
): RuleEvaluation {
  const start = now - (now % window);
  const elapsed = now - start;
  let current = 0;
  let previous = 0;
  if (state !== undefined) {
    if (state[0] === start) {
      current = state[1] ?? 0;
      previous = state[2] ?? 0;
    } else if (state[0] === start - window) {
      previous = state[1] ?? 0;
    }
  }
  const used = (count: number) => previous * (window - elapsed) + count * window;
  const remaining = (count: number) => Math.max(0, floorDiv(limit * window - used(count), window));
  const resetAt = (count: number) => (count > 0 ? start + 2 * window : previous > 0 ? start + window : now);
  const allowed = used(current + cost) <= limit * window;
  let retryAfterMs = 0;
  if (!allowed) {
    retryAfterMs =
      current + cost <= limit
        ? // The previous window's weight decays enough within this window.
          window - elapsed - floorDiv((limit - current - cost) * window, previous)
        : // Only once this window's count has become the (decaying) previous one.
          window - elapsed + window - floorDiv((limit - cost) * window, current);
  }
  return {
    allowed,
    retryAfterMs,
    remaining: remaining(current),
    resetAt: resetAt(current),
    remainingAfter: remaining(current + cost),
    resetAtAfter: resetAt(current + cost),
    next: [start, current + cost, previous],
    ttlMs: start + 2 * window - now,
  };
}

/** State: [tokens, lastRefill]. Refills are whole steps of `refill` tokens every `interval`. */
function tokenBucket(
  capacity: number,
  refill: number,
  interval: number,
  state: readonly number[] | undefined,
  now: number,
  cost: number,
): RuleEvaluation {
  let tokens = capacity;
  let last = now;
  if (state !== undefined) {
    tokens = state[0] ?? capacity;
    last = state[1] ?? now;
    const steps = Math.max(0, floorDiv(now - last, interval));
    tokens = Math.min(capacity, tokens + steps * refill);
    last += steps * interval;
  }
  // A full bucket has no refill in progress: the next refill is counted from the moment it drains.
  if (tokens >= capacity) last = now;
  const resetAt = (left: number) => (left >= capacity ? now : last + ceilDiv(capacity - left, refill) * interval);
  const allowed = tokens >= cost;
  const after = tokens - cost;
  return {
    allowed,
    retryAfterMs: allowed ? 0 : last + ceilDiv(cost - tokens, refill) * interval - now,
    remaining: tokens,
    resetAt: resetAt(tokens),
    remainingAfter: Math.max(0, after),
    resetAtAfter: resetAt(after),
    next: [after, last],
    ttlMs: Math.max(1, resetAt(after) - now),
  };
}

/**
 * State: [tatMs, tatRemainder] — the theoretical arrival time as whole ms plus a remainder in units of
 * 1/rate ms. `debt` is (tat − now) in those units; a request fits while debt + cost × window ≤ burst × window.
 */
function gcra(
  rate: number,
  window: number,
  burst: number,
  state: readonly number[] | undefined,
  now: number,
  cost: number,
): RuleEvaluation {
  let tatMs = now;
  let tatRem = 0;
  if (state !== undefined && (state[0] ?? 0) >= now) {
    tatMs = state[0] ?? now;
    tatRem = state[1] ?? 0;
  }
  const debt = (tatMs - now) * rate + tatRem;
  const debtAfter = debt + cost * window;
  const capacity = burst * window;
  const allowed = debtAfter <= capacity;
  const nextRem = tatRem + cost * window;
  return {
    allowed,
    retryAfterMs: allowed ? 0 : ceilDiv(debtAfter - capacity, rate),
    remaining: Math.max(0, floorDiv(capacity - debt, window)),
    resetAt: now + ceilDiv(debt, rate),
    remainingAfter: Math.max(0, floorDiv(capacity - debtAfter, window)),
    resetAtAfter: now + ceilDiv(debtAfter, rate),
    next: [tatMs + floorDiv(nextRem, rate), nextRem % rate],
    ttlMs: Math.max(1, ceilDiv(debtAfter, rate)),
  };
}
