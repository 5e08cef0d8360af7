export { type FoundService, findService, type ServiceSource } from './discover.ts';
export { type ServiceName, ServiceUnavailableError } from './errors.ts';
export { keySlot } from './key-slot.ts';
/** Short names, as the design calls them: `await redis()`, `await redisCluster()`, `await postgres()`. */
export { type TestPostgres, testPostgres, testPostgres as postgres } from './postgres.ts';
export { type TestRedis, testRedis, testRedis as redis } from './redis.ts';
export {
  connectCluster,
  keysPerMaster,
  type MasterAddress,
  type TestRedisCluster,
  testRedisCluster,
  testRedisCluster as redisCluster,
} from './redis-cluster.ts';
export {
  type RedisClusterNodeProcess,
  type RedisClusterProcess,
  type RedisClusterServerOptions,
  redisClusterServer,
} from './redis-cluster-server.ts';
export { type RedisServerProcess, redisServer } from './redis-server.ts';
export { serviceUrl, serviceVersion, uniqueName } from './services.ts';
export { freePort, portAnswers } from './tcp.ts';
