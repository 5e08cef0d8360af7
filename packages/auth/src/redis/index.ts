// @infra/auth/redis: the Redis store (ioredis `Redis` or `Cluster`).

// The second-factor store (TOTP replay steps, recovery codes).
export {
  type RedisTwoFactorStoreOptions,
  redisTwoFactorStore,
  type TwoFactorRedisClient,
} from '../totp/redis-store.ts';
export type { AuthRedisClient } from './client.ts';
export { type RedisStoreOptions, redisStore } from './store.ts';
