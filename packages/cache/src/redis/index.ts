// @infra/cache/redis: the Redis store and bus of the cache, and the Redis stores of the rate limiter and lock.

export { type RedisBusOptions, redisBus } from './bus.ts';
export { type RedisStoreOptions, redisStore } from './cache-store.ts';
export type { RedisCommandClient, RedisSubscriberClient } from './client.ts';
export { type RedisLockStoreOptions, redisLockStore } from './lock-store.ts';
export type { ScriptClient } from './lua-script.ts';
export {
  type RateLimitRedisClient,
  type RedisRateLimitStoreOptions,
  redisRateLimitStore,
} from './rate-limit-store.ts';
