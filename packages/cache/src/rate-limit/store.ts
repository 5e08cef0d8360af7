/**
 * The contract between the limiter and where counters live. A store evaluates every rule of a request
 * atomically: either all rules allow and the cost is recorded on all of them, or nothing is recorded.
 * `decide` is that all-or-nothing step as a pure function; the memory store calls it directly and the
 * Redis script mirrors it.
 */
import { evaluateRule } from './algorithms.ts';
import type { CompiledRule } from './rules.ts';

/** One check of one subject against all of a limiter's rules. */
export interface RateLimitStoreRequest {
  /** The limiter's prefix; stores put it in front of every key they touch. */
  prefix: string;
  /** The subject's key, as given to the limiter. */
  key: string;
  rules: readonly CompiledRule[];
  /** Units the request costs (a positive integer). */
  cost: number;
  /** `false` for `peek`: decide, record nothing. */
  consume: boolean;
  /** When a consuming request is rejected, block the key for this long (0: no block). */
  blockMs: number;
  /** The limiter's clock; stores with their own time source (Redis `TIME`) ignore it. */
  now: number;
}

/** One rule's verdict, as returned by a store. */
export interface RateLimitStoreRuleResult {
  allowed: boolean;
  remaining: number;
  resetAt: number;
  retryAfterMs: number;
}

/** A store's verdict on a request. */
export interface RateLimitStoreResult {
  /** The time the store decided at (Redis server time for the Redis store). */
  now: number;
  /** `true` only when every rule allowed and the key is not blocked. */
  allowed: boolean;
  /** The key was already blocked when the request came (it is then rejected whatever the rules say). */
  blocked: boolean;
  /** Epoch ms until which the key is blocked (an existing or a new block), 0 when it is not. */
  blockedUntil: number;
  /** Per rule, in the limiter's order. */
  rules: RateLimitStoreRuleResult[];
}

/** Where a rate limiter keeps its counters: `memoryRateLimitStore()` or `redisRateLimitStore({ client })`. */
export interface RateLimitStore {
  /** Evaluates every rule atomically; records `cost` on all of them only if all allow and `consume` is set. */
  evaluate(request: RateLimitStoreRequest): Promise<RateLimitStoreResult>;
  /** Forgets the key's counters for these rules and lifts any block. */
  reset(prefix: string, key: string, rules: readonly CompiledRule[]): Promise<void>;
  /** Blocks the key until `now + ms` (or extends a shorter block). */
  block(prefix: string, key: string, rules: readonly CompiledRule[], ms: number, now: number): Promise<void>;
  /**
   * The node that holds the key (a Redis Cluster master's `host:port`), so the limiter keeps a circuit
   * breaker per node; without it, one breaker covers the store.
   */
  nodeOf?(prefix: string, key: string, rules: readonly CompiledRule[]): string;
  /** Throws a typed error when the limiter's `prefix` cannot work with this store (checked at construction). */
  checkPrefix?(prefix: string): void;
}

/** What a store must write after a decision. */
export interface StoreWrites {
  result: RateLimitStoreResult;
  /** Per rule: the state to store and its time to live; empty when nothing is recorded. */
  rules: { index: number; state: number[]; ttlMs: number }[];
  /** New block to set (ms from now), 0 for none. */
  blockMs: number;
}

/** The all-or-nothing decision over every rule, given their current states and the key's block. */
export function decide(
  request: RateLimitStoreRequest,
  states: readonly (readonly number[] | undefined)[],
  blockedUntil: number,
): StoreWrites {
  const { rules, cost, now } = request;
  const evaluations = rules.map((rule, index) => evaluateRule(rule, states[index], now, cost));
  const blocked = blockedUntil > now;
  const allowed = !blocked && evaluations.every((evaluation) => evaluation.allowed);
  const commit = allowed && request.consume;
  let newBlockMs = 0;
  if (!allowed && !blocked && request.consume && request.blockMs > 0) newBlockMs = request.blockMs;
  const until = blocked ? blockedUntil : newBlockMs > 0 ? now + newBlockMs : 0;
  return {
    result: {
      now,
      allowed,
      blocked,
      blockedUntil: until,
      rules: evaluations.map((evaluation) => ({
        allowed: evaluation.allowed,
        remaining: commit ? evaluation.remainingAfter : evaluation.remaining,
        resetAt: commit ? evaluation.resetAtAfter : evaluation.resetAt,
        retryAfterMs: evaluation.retryAfterMs,
      })),
    },
    rules: commit
      ? evaluations.map((evaluation, index) => ({ index, state: evaluation.next, ttlMs: evaluation.ttlMs }))
      : [],
    blockMs: newBlockMs,
  };
}
