/**
 * Everything the routes use, built from the config: a cache, a rate limiter and health checks.
 * With no REDIS_URL they run in-process (memory L1 cache, memory rate-limit counters); with it the
 * cache gets Redis as L2 plus the invalidation bus, and the limiter counts in Redis, shared by every
 * instance. DATABASE_URL adds a PostgreSQL pool and its readiness check.
 */

import { type Cache, createCache, createRateLimiter, memoryStore, type RateLimiter } from '@infra/cache';
import { redisBus, redisRateLimitStore, redisStore } from '@infra/cache/redis';
import { checkProduction } from '@infra/env';
import {
  createHealth,
  eventLoopCheck,
  type Health,
  postgresCheck,
  productionReadinessCheck,
  redisCheck,
} from '@infra/health';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';

export interface Services {
  cache: Cache;
  limiter: RateLimiter;
  health: Health;
  /** The Redis connection when REDIS_URL is set (commands; the bus has its own subscriber). */
  redis: Redis | undefined;
  /** The PostgreSQL pool when DATABASE_URL is set. */
  pool: pg.Pool | undefined;
  /** Prefix of every Redis key and channel. */
  redisPrefix: string;
  /** Which backends are in use, for `GET /`. */
  backends: { cache: 'memory' | 'memory+redis'; rateLimit: 'memory' | 'redis'; database: 'none' | 'postgres' };
  /** Named closers, run by the shutdown in reverse order of creation. */
  closers: { name: string; close: () => Promise<unknown> }[];
}

export interface ServiceInfo {
  name: string;
  version: string;
}

/**
 * Commands fail at once while Redis is down (no offline queue), so nothing waits on a dead socket.
 * Start-up waits up to `readyTimeoutMs` for the first connection attempt to succeed or fail, never
 * longer; a Redis that is down is not fatal: the cache serves from memory, the limiter from its
 * in-memory insurance, the readiness probe reports Redis as failing, and ioredis keeps reconnecting,
 * so everything picks Redis up when it comes.
 */
async function connectRedis(url: string, readyTimeoutMs = 2000): Promise<Redis> {
  const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  // Connection errors surface through the cache's, the limiter's and the health check's own handling.
  // (events.once() would reject on the first 'error' and take the process down with ECONNREFUSED.)
  client.on('error', () => {});
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, readyTimeoutMs);
    function done(): void {
      clearTimeout(timer);
      client.off('ready', done).off('error', done);
      resolve();
    }
    client.once('ready', done).once('error', done);
  });
  return client;
}

export interface ServicesOptions {
  /** Where the services report degradation and recovery. @default silent */
  logger?: Logger;
  /** Prefix of every Redis key and channel, so several deployments (or test runs) can share a Redis. @default 'example-api:' */
  redisPrefix?: string;
}

/** QUIT when the connection is up (replies flushed); when Redis is down QUIT cannot be sent, so just disconnect. */
async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    await client.quit().catch(() => client.disconnect());
  } else {
    client.disconnect();
  }
}

export async function createServices(
  config: Config,
  info: ServiceInfo,
  options: ServicesOptions = {},
): Promise<Services> {
  const redisPrefix = options.redisPrefix ?? config.REDIS_PREFIX;
  let redis: Redis | undefined;
  let pool: pg.Pool | undefined;
  const logger = options.logger;
  const closers: Services['closers'] = [];
  const health = createHealth({
    service: { version: info.version, serviceId: info.name },
    showDetails: config.NODE_ENV === 'production' ? 'never' : 'always',
  });
  closers.push({ name: 'health', close: async () => health.close() });
  health.register('event-loop', eventLoopCheck({ maxDelay: '1s' }), { probes: ['liveness', 'readiness'] });
  health.register(
    'config',
    productionReadinessCheck(() => checkProduction(config)),
    { critical: false, componentType: 'system' },
  );

  let cache: Cache;
  let limiter: RateLimiter;
  const limits = {
    algorithm: 'sliding-window',
    limit: config.RATE_LIMIT_PER_MINUTE,
    window: '1m',
    name: 'api',
  } as const;
  if (config.REDIS_URL) {
    const [client, subscriber] = await Promise.all([connectRedis(config.REDIS_URL), connectRedis(config.REDIS_URL)]);
    redis = client;
    closers.push({ name: 'redis', close: () => Promise.all([closeRedis(client), closeRedis(subscriber)]) });
    cache = createCache({
      l1: memoryStore({ maxItems: 10_000 }),
      l2: redisStore({ client, prefix: `${redisPrefix}cache:` }),
      bus: redisBus({ publisher: client, subscriber, channel: `${redisPrefix}cache-bus` }),
      ttl: config.CACHE_TTL,
      grace: '10m',
      // A slow Redis costs a request at most `l2`, then memory and the catalog answer; `ready` bounds start-up.
      timeouts: { l2: 250, ready: '2s' },
    });
    cache.on('degraded', ({ error }) => logger?.warn({ err: error }, 'cache: Redis unavailable, serving from memory'));
    cache.on('recovered', () => logger?.info({}, 'cache: Redis is back'));
    if (client.status === 'ready' && subscriber.status === 'ready') {
      await cache.ready(); // the bus subscribed before the first request; never rejects, at most `timeouts.ready`
    } else {
      logger?.warn({ redis: URL.parse(config.REDIS_URL)?.host }, 'redis: unreachable at start-up, serving from memory');
    }
    limiter = createRateLimiter({
      store: redisRateLimitStore({ client }),
      limits,
      prefix: `${redisPrefix}rl:`,
      onStoreError: 'insurance', // Redis down: an in-memory limiter per instance takes over
      storeTimeout: 250,
      ...(logger ? { logger } : {}),
    });
    health.register('redis', redisCheck({ client }), { componentType: 'datastore' });
  } else {
    cache = createCache({ l1: memoryStore({ maxItems: 10_000 }), ttl: config.CACHE_TTL, grace: '10m' });
    limiter = createRateLimiter({ limits, prefix: `${redisPrefix}rl:` });
  }
  closers.push({ name: 'cache', close: () => cache.close() });
  closers.push({ name: 'rate-limiter', close: () => limiter.close() });

  if (config.DATABASE_URL) {
    const created = new pg.Pool({ connectionString: config.DATABASE_URL, max: 10, connectionTimeoutMillis: 2000 });
    pool = created;
    created.on('error', () => {}); // idle-client errors; the readiness check reports the database state
    closers.push({ name: 'postgres', close: () => created.end() });
    health.register('postgres', postgresCheck({ pool: created }), { componentType: 'datastore' });
  }

  return {
    cache,
    limiter,
    health,
    redis,
    pool,
    redisPrefix,
    backends: {
      cache: config.REDIS_URL ? 'memory+redis' : 'memory',
      rateLimit: config.REDIS_URL ? 'redis' : 'memory',
      database: config.DATABASE_URL ? 'postgres' : 'none',
    },
    closers,
  };
}
