/**
 * `createRateLimiter`: checks a key against every rule in one atomic store call, and decides by
 * policy when the store fails or is slow, so a dead Redis never hangs a request.
 */
import type { Clock, Duration, Logger } from '../../../../internal/src/index.ts';
import { clockOption, closeOnce, DeadlineQueue, loggerOption, withDeadline } from '../../../../internal/src/index.ts';
import { cacheChannels, legacyStoreErrorChannel } from '../channels.ts';
import type { CircuitState } from '../circuit-breaker.ts';
import { CacheError, checks, invalidOption as invalid } from '../errors.ts';
import { memoryRateLimitStore } from '../memory/rate-limit-store.ts';
import { type NodeBreakerOptions, NodeBreakers } from '../node-breakers.ts';
import { type RateLimitResult, toResult } from './result.ts';
import { type CompiledRule, compileRules, type RateLimitRule } from './rules.ts';
import type { RateLimitStore, RateLimitStoreRequest, RateLimitStoreResult } from './store.ts';

/** What to do when the store fails or does not answer within `storeTimeout`. */
export type StoreErrorPolicy = 'allow' | 'deny' | 'insurance';

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** One rule or several; several are checked atomically and a request must pass all of them. */
  limits: RateLimitRule | readonly RateLimitRule[];
  /** Where counters live. @default memoryRateLimitStore() */
  store?: RateLimitStore;
  /** Prefix of every key this limiter touches; give each limiter its own. @default 'rl:' */
  prefix?: string;
  /**
   * When a request is rejected, block the key for this long (login throttling: 5 failures, then 15
   * minutes of nothing). Blocked requests are rejected with reason `'blocked'` and consume nothing.
   * @default 0 (no block)
   */
  block?: Duration;
  /**
   * What decides when the store throws or exceeds `storeTimeout`: `'allow'` lets the request through,
   * `'deny'` rejects it, `'insurance'` asks an in-memory limiter with `insuranceLimits` (per process).
   * @default 'insurance'
   */
  onStoreError?: StoreErrorPolicy;
  /** How long to wait for the store before `onStoreError` decides. @default 500 (ms) */
  storeTimeout?: Duration;
  /** Rules of the insurance limiter; with N processes the effective limit is N times these. @default limits */
  insuranceLimits?: RateLimitRule | readonly RateLimitRule[];
  /** Time source for the memory stores and the store timeout (the Redis store uses Redis server time). @default systemClock */
  clock?: Clock;
  /** Told once when the store starts failing (not on every request); pino-shaped. @default undefined */
  logger?: Logger;
  /**
   * A circuit breaker per store node (per master of a Redis Cluster, one for a single Redis): after
   * `threshold` failures in a row, calls for that node's keys skip the store for `openFor` and are decided by
   * `onStoreError` at once, without waiting `storeTimeout`; then one call probes it. Keys on other nodes go
   * on as usual. `false` asks the store every time.
   * @default { threshold: 3, openFor: '2s' }
   */
  circuitBreaker?: NodeBreakerOptions | false;
}

/** Options of one `consume` / `peek`. */
export interface ConsumeOptions {
  /** Units this request costs; at most the smallest rule's limit. @default 1 */
  cost?: number;
}

/** Counters since the limiter was created. */
export interface RateLimiterStats {
  allowed: number;
  rejected: number;
  /** Requests decided by `onStoreError` because the store failed or timed out (`skipped` included). */
  storeErrors: number;
  /** Of those, requests that did not ask the store because their node's circuit was open. */
  skipped: number;
  /** Store nodes whose circuit is open or half-open (`''` is a single-node store). */
  circuits: Record<string, CircuitState>;
}

/** A rate limiter over one set of rules. */
export interface RateLimiter {
  /** Counts `cost` units against `key` if every rule allows them; a rejected request consumes nothing. */
  consume(key: string, options?: ConsumeOptions): Promise<RateLimitResult>;
  /** Says what `consume` would answer, consuming nothing. */
  peek(key: string, options?: ConsumeOptions): Promise<RateLimitResult>;
  /** Forgets `key`'s counters and lifts its block (e.g. after a successful login). */
  reset(key: string): Promise<void>;
  /** Blocks `key` for `duration`: every request is rejected with reason `'blocked'`. */
  block(key: string, duration: Duration): Promise<void>;
  /** The compiled rules, in order. */
  readonly rules: readonly CompiledRule[];
  stats(): RateLimiterStats;
  /** Rejects later calls; idempotent. Holds nothing else to release (the store's client is the app's). */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const decisionChannel = cacheChannels['rate-limit'];
const storeErrorChannel = cacheChannels['rate-limit-store-error'];
const policies = ['allow', 'deny', 'insurance'] as const;

/**
 * Creates a rate limiter.
 *
 * @example
 * const limiter = createRateLimiter({
 *   store: redisRateLimitStore({ client }),
 *   limits: [
 *     { algorithm: 'sliding-window', limit: 5, window: '1s' },
 *     { algorithm: 'sliding-window', limit: 100, window: '1h' },
 *   ],
 * });
 * const result = await limiter.consume(`ip:${ip}`);
 * if (!result.allowed) // answer 429 with rateLimitHeaders(result)
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'must be an object');
  const rules = compileRules(options.limits);
  const store = options.store ?? memoryRateLimitStore();
  if (typeof store?.evaluate !== 'function') throw invalid('store', 'must be a rate-limit store');
  const prefix = options.prefix ?? 'rl:';
  if (typeof prefix !== 'string') throw invalid('prefix', 'must be a string');
  const blockMs = checks.duration(options.block, 'block', { default: 0 });
  const policy: StoreErrorPolicy = checks.oneOf(options.onStoreError, 'onStoreError', policies, 'insurance');
  const timeoutMs = checks.duration(options.storeTimeout, 'storeTimeout', { default: 500, positive: true });
  const clock = clockOption(options.clock, invalid);
  const log = loggerOption(options.logger, invalid);
  const insuranceRules =
    options.insuranceLimits === undefined ? rules : compileRules(options.insuranceLimits, 'insuranceLimits');
  const maxCost = Math.min(...rules.map((rule) => rule.limit));
  // Created lazily: most limiters never need it.
  let insurance: RateLimitStore | undefined;
  let storeFailing = false;
  let closed = false;
  const counters = { allowed: 0, rejected: 0, storeErrors: 0 };
  store.checkPrefix?.(prefix);
  const breakers = new NodeBreakers({ breaker: options.circuitBreaker, clock, log, component: 'rate-limit' });
  const nodeOf = store.nodeOf?.bind(store);
  const unavailable = (node: string) =>
    new CacheError(
      'ERR_CACHE_RATE_LIMIT_STORE',
      `The rate-limit store is unavailable at ${node === '' ? 'its node' : `node ${node}`} (circuit open); asking it again within ${breakers.openFor} ms`,
    );

  function checkKey(key: unknown): string {
    if (closed) throw new CacheError('ERR_CACHE_CLOSED', 'The rate limiter is closed');
    if (typeof key !== 'string' || key.length === 0) {
      throw new CacheError('ERR_CACHE_INVALID_KEY', `A rate-limit key must be a non-empty string, got ${String(key)}`);
    }
    return key;
  }

  function checkCost(cost: unknown): number {
    if (typeof cost !== 'number' || !Number.isSafeInteger(cost) || cost < 1) {
      throw new CacheError('ERR_CACHE_INVALID_COST', `cost must be a positive integer, got ${String(cost)}`);
    }
    if (cost > maxCost) {
      throw new CacheError(
        'ERR_CACHE_INVALID_COST',
        `cost ${cost} exceeds the smallest rule's limit (${maxCost}); such a request could never be allowed`,
      );
    }
    return cost;
  }

  const deadlines = new DeadlineQueue(timeoutMs, clock);
  const timedOut = () =>
    new CacheError('ERR_CACHE_RATE_LIMIT_STORE', `The rate-limit store did not answer within ${timeoutMs} ms`);

  /** The store's verdict within `storeTimeout`; a store that throws instead of rejecting is caught too. */
  function ask(request: RateLimitStoreRequest): Promise<RateLimitStoreResult> {
    let pending: Promise<RateLimitStoreResult>;
    try {
      pending = store.evaluate(request);
    } catch (error) {
      pending = Promise.reject(error);
    }
    return deadlines.run(pending, timedOut);
  }

  function storeError(error: unknown): CacheError {
    return error instanceof CacheError && error.code === 'ERR_CACHE_RATE_LIMIT_STORE'
      ? error
      : new CacheError('ERR_CACHE_RATE_LIMIT_STORE', `The rate-limit store failed: ${message(error)}`, {
          cause: error,
        });
  }

  async function fallback(request: RateLimitStoreRequest, failure: unknown, skipped = false): Promise<RateLimitResult> {
    const error = storeError(failure);
    counters.storeErrors++;
    if (storeErrorChannel.hasSubscribers) storeErrorChannel.publish({ key: request.key, policy, error, skipped });
    if (legacyStoreErrorChannel.hasSubscribers) legacyStoreErrorChannel.publish({ key: request.key, policy, error });
    if (!storeFailing) {
      storeFailing = true;
      log(
        'warn',
        { err: error, policy },
        `rate-limit store failing; onStoreError '${policy}' decides until it recovers`,
      );
    }
    if (policy === 'insurance') {
      insurance ??= memoryRateLimitStore();
      const decision = await insurance.evaluate({ ...request, rules: insuranceRules, now: clock.now() });
      return { ...toResult(decision, insuranceRules, 'insurance'), error };
    }
    const first = rules[0] as CompiledRule;
    const now = clock.now();
    if (policy === 'allow') {
      return {
        allowed: true,
        limit: first.limit,
        remaining: first.limit,
        resetAt: now,
        retryAfterMs: 0,
        decidedAt: now,
        reason: 'fail-open',
        rules: [],
        error,
      };
    }
    // Deny: ask the client to come back after the shortest window (capped at a minute).
    const retryAfterMs = Math.min(60_000, ...rules.map((rule) => rule.policyWindowMs));
    return {
      allowed: false,
      limit: first.limit,
      remaining: 0,
      resetAt: now + retryAfterMs,
      retryAfterMs,
      decidedAt: now,
      reason: 'fail-closed',
      rules: [],
      error,
    };
  }

  /** One check: a single `async` layer over the store's promise (this is every request's path). */
  async function run(key: unknown, cost: unknown, consume: boolean): Promise<RateLimitResult> {
    const request: RateLimitStoreRequest = {
      prefix,
      key: checkKey(key),
      rules,
      cost: checkCost(cost),
      consume,
      blockMs,
      now: clock.now(),
    };
    let result: RateLimitResult;
    const node = nodeOf === undefined ? '' : nodeOf(prefix, request.key, rules);
    if (!breakers.allow(node)) {
      result = await fallback(request, unavailable(node), true);
    } else {
      try {
        result = toResult(await ask(request), rules);
        storeFailing = false;
        breakers.success(node);
      } catch (error) {
        breakers.failure(node, error);
        result = await fallback(request, error);
      }
    }
    if (consume) {
      if (result.allowed) counters.allowed++;
      else counters.rejected++;
      if (decisionChannel.hasSubscribers) decisionChannel.publish({ key: request.key, cost: request.cost, result });
    }
    return result;
  }

  async function administer(key: string, what: string, action: () => Promise<void>): Promise<void> {
    const node = nodeOf === undefined ? '' : nodeOf(prefix, key, rules);
    if (!breakers.allow(node)) throw unavailable(node);
    try {
      await withDeadline(action(), timeoutMs, clock, () => new Error(`no answer within ${timeoutMs} ms`));
      breakers.success(node);
    } catch (error) {
      breakers.failure(node, error);
      throw new CacheError('ERR_CACHE_RATE_LIMIT_STORE', `Could not ${what}: ${message(error)}`, { cause: error });
    }
  }
  const close = closeOnce(() => {
    closed = true;
  });

  const limiter: RateLimiter = {
    rules,
    consume(key, consumeOptions) {
      return run(key, consumeOptions?.cost ?? 1, true);
    },
    peek(key, peekOptions) {
      return run(key, peekOptions?.cost ?? 1, false);
    },
    async reset(key) {
      checkKey(key);
      await administer(key, `reset '${key}'`, () => store.reset(prefix, key, rules));
      await insurance?.reset(prefix, key, insuranceRules);
    },
    async block(key, duration) {
      checkKey(key);
      const ms = checks.duration(duration, 'duration');
      await administer(key, `block '${key}'`, () => store.block(prefix, key, rules, ms, clock.now()));
    },
    stats: () => ({ ...counters, skipped: breakers.skipped, circuits: breakers.states() }),
    close,
    [Symbol.asyncDispose]: close,
  };
  return limiter;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
