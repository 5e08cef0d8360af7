// cache

// kernel: the shapes every @infra package shares
export type { Clock, ClockTimer, DiagnosticsChannel, Duration, Logger } from '../../../internal/src/index.ts';
export { isInfraError, systemClock } from '../../../internal/src/index.ts';
export type { BusHandlers, BusMessage, BusSubscription, CacheBus } from './bus.ts';
export { Cache, createCache, type SetManyItem } from './cache.ts';
export { cacheChannels } from './channels.ts';
export type { CircuitState } from './circuit-breaker.ts';
export type { CacheEvents, CacheReadiness } from './core.ts';
export { type CacheLogger, parseDuration, type RateLimiterLogger } from './deprecated.ts';
export { CacheError, type CacheErrorCode } from './errors.ts';
export type { Factory, FactoryContext } from './factory.ts';
// lock
export {
  type AcquireOptions,
  createLock,
  createLocker,
  type Lock,
  type Locker,
  type LockerOptions,
  type LockHandle,
  type LockOptions,
  type LockRetryOptions,
  type WithLockOptions,
} from './lock/lock.ts';
export type { LockStore } from './lock/store.ts';
export { estimateSize, type MemoryStoreOptions, memoryStore } from './memory/cache-store.ts';
export { type MemoryLockStore, memoryLockStore } from './memory/lock-store.ts';
export {
  type MemoryRateLimitStore,
  type MemoryRateLimitStoreOptions,
  memoryRateLimitStore,
} from './memory/rate-limit-store.ts';
export type {
  CacheOptions,
  DistributedOptions,
  EntryOptions,
  FactoryTimeouts,
  GetOrSetOptions,
  SetOptions,
} from './options.ts';
// rate limiter
export { type RateLimitHeaders, rateLimitHeaders } from './rate-limit/headers.ts';
export {
  type ConsumeOptions,
  createRateLimiter,
  type RateLimiter,
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
export { createSerializer, defaultSerializer, type Serializer, type SerializerOptions } from './serializer.ts';
export type { CacheStats } from './stats.ts';
export type {
  EntryDeps,
  EntryMeta,
  L1Entry,
  L1Store,
  L2Connection,
  L2Read,
  L2Record,
  L2Store,
  L2Write,
} from './store.ts';
