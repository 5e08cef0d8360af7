export { CacheError, type CacheErrorCode } from './errors.ts';
export { type Clock, systemClock } from './clock.ts';
export { type Duration, parseDuration } from './duration.ts';
// rate limiter
export { type RateLimitHeaders, rateLimitHeaders } from './rate-limit/headers.ts';
export {
  type MemoryRateLimitStore,
  type MemoryRateLimitStoreOptions,
  memoryRateLimitStore,
} from './rate-limit/memory-store.ts';
export {
  type ConsumeOptions,
  createRateLimiter,
  type RateLimiter,
  type RateLimiterLogger,
  type RateLimiterOptions,
  type RateLimiterStats,
  type StoreErrorPolicy,
} from './rate-limit/rate-limiter.ts';
export type { RateLimitReason, RateLimitResult, RateLimitRuleResult } from './rate-limit/result.ts';
export type {
  CompiledRule,
  FixedWindowRule,
  GcraRule,
  RateLimitAlgorithm,
  RateLimitRule,
  SlidingWindowRule,
  TokenBucketRule,
} from './rate-limit/rules.ts';
export type {
  RateLimitStore,
  RateLimitStoreRequest,
  RateLimitStoreResult,
  RateLimitStoreRuleResult,
} from './rate-limit/store.ts';
