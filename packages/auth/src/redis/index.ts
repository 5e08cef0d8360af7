// @infra/auth/redis: the Redis store (ioredis `Redis` or `Cluster`).
export type { AuthRedisClient } from './client.ts';
export { type RedisStoreOptions, redisStore } from './store.ts';
