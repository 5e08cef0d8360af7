// @infra/cache/redis against a real Redis with whichever ioredis is installed: a cache's set/get through
// the Redis store (read back by a second cache, so it went through Redis), a rate-limit check, a lock.
// Prints one JSON object: the ioredis version and each step's outcome.
import { createRequire } from 'node:module';
import * as cache from '@infra/cache';
import * as redis from '@infra/cache/redis';
import { Redis } from 'ioredis';

const ioredisVersion = createRequire(import.meta.url)('ioredis/package.json').version;
const client = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const prefix = `infra-pack-check:${process.pid}:${Date.now()}:`;
const steps = [];

async function step(name, run) {
  try {
    await run();
    steps.push({ name, ok: true });
  } catch (error) {
    steps.push({ name, ok: false, error: `${error?.code ?? error?.name}: ${error?.message}` });
  }
}

function expectEqual(actual, expected, what) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

await step('connect', () => client.ping());

await step('cache set/get through redisStore', async () => {
  const writer = cache.createCache({ l1: false, l2: redis.redisStore({ client, prefix: `${prefix}cache:` }) });
  const reader = cache.createCache({ l1: false, l2: redis.redisStore({ client, prefix: `${prefix}cache:` }) });
  await writer.set('user:1', { id: 1, name: 'Ada' }, { ttl: '1m' });
  expectEqual(await reader.get('user:1'), { id: 1, name: 'Ada' }, 'value read back by a second cache');
  await writer.delete('user:1');
  expectEqual(await reader.get('user:1'), undefined, 'value after delete');
  await writer.close();
  await reader.close();
});

await step('rate limit through redisRateLimitStore', async () => {
  const limiter = cache.createRateLimiter({
    store: redis.redisRateLimitStore({ client }),
    prefix: `${prefix}rl:`,
    limits: [{ algorithm: 'fixed-window', limit: 2, window: '1m' }],
  });
  const outcomes = [];
  for (let i = 0; i < 3; i++) outcomes.push((await limiter.consume('ip:1')).allowed);
  expectEqual(outcomes, [true, true, false], 'three checks against a limit of 2');
  await limiter.close?.();
});

await step('lock through redisLockStore', async () => {
  const createLocker = cache.createLocker ?? cache.createLock;
  const locks = createLocker({ store: redis.redisLockStore({ client }), prefix: `${prefix}lock:`, ttl: '10s' });
  const held = await locks.acquire('job');
  expectEqual(await locks.tryAcquire('job'), null, 'second acquire while held');
  await held.release();
  const again = await locks.tryAcquire('job');
  expectEqual(again === null, false, 'acquire after release');
  await again.release();
  await locks.close?.();
});

await step('clean up', async () => {
  const keys = await client.keys(`${prefix}*`);
  if (keys.length > 0) await client.del(...keys);
});
client.disconnect();
process.stdout.write(`${JSON.stringify({ ioredis: ioredisVersion, steps })}\n`);
