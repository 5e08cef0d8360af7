export { type FoundService, findService, type ServiceSource } from './discover.ts';
export { type ServiceName, ServiceUnavailableError } from './errors.ts';
/** Short names, as the design calls them: `await redis()`, `await postgres()`. */
export { type TestPostgres, testPostgres, testPostgres as postgres } from './postgres.ts';
export { type TestRedis, testRedis, testRedis as redis } from './redis.ts';
export { type RedisServerProcess, redisServer } from './redis-server.ts';
export { serviceUrl, serviceVersion, uniqueName } from './services.ts';
export { freePort, portAnswers } from './tcp.ts';
