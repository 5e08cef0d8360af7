export {
  type RateLimitRedisClient,
  type RedisRateLimitStoreOptions,
  redisRateLimitStore,
} from './rate-limit-store.ts';
