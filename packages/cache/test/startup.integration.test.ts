/**
 * A cache built while its Redis client is still connecting, or while Redis is down (issue 11, defects 6
 * and 7): writes reach Redis once it is up, a write that cannot is reported, and `ready()` settles within
 * its timeout. Real Redis clients; the test clock decides when a timeout passes.
 */
import { once } from 'node:events';
import { redisBus, redisStore } from '@infra/cache/redis';
import { freePort, redis } from '@infra/testkit';
import { Redis, type RedisOptions } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { type Cache, type CacheOptions, createCache, type Logger } from '../src/index.ts';

const r = await redis({ tag: 'cstart' });
const clients: Redis[] = [];
const caches: Cache[] = [];
afterEach(async () => {
  await Promise.all(caches.splice(0).map((cache) => cache.close()));
  for (const client of clients.splice(0)) client.disconnect();
});

/** A client whose connection has been started but has not finished: `status` is `'connecting'`. */
function connecting(options: RedisOptions = {}, url = r.url): Redis {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => 50, ...options });
  clients.push(client);
  client.on('error', () => {});
  client.connect().catch(() => {});
  return client;
}

function make(options: CacheOptions): Cache {
  const cache = createCache(options);
  caches.push(cache);
  return cache;
}

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, warn: (_obj, msg) => warnings.push(String(msg)), error() {} };
}

describe('writes made right after start-up', () => {
  it("reach Redis through ioredis' offline queue (the default client)", async () => {
    const client = connecting();
    expect(client.status).toBe('connecting');
    const prefix = r.key('queued:');
    const cache = make({ l2: redisStore({ client, prefix }), clock: createTestClock() });
    await cache.set('k', 'v');
    expect(await r.client.exists(`${prefix}k`)).toBe(1);
    expect(cache.stats().l2).toMatchObject({ writeFailures: 0, errors: 0 });
  });

  it('reach Redis with the offline queue off: the cache waits for the connection', async () => {
    const client = connecting({ enableOfflineQueue: false });
    expect(client.status).toBe('connecting');
    const prefix = r.key('waited:');
    const cache = make({ l2: redisStore({ client, prefix }), clock: createTestClock() });
    await cache.set('k', 'v');
    expect(await r.client.exists(`${prefix}k`)).toBe(1);
    expect(cache.stats().l2).toMatchObject({ writeFailures: 0, errors: 0 });
  });

  it('a write that cannot reach Redis within timeouts.l2 is counted, emitted and logged, and kept in L1', async () => {
    const client = connecting({ enableOfflineQueue: false }, `redis://127.0.0.1:${await freePort()}`);
    const clock = createTestClock();
    const logger = recordingLogger();
    const cache = make({ l2: redisStore({ client, prefix: 'nowhere:' }), clock, logger, timeouts: { l2: '1s' } });
    const failed: (readonly string[])[] = [];
    cache.on('write-failed', (event) => failed.push(event.keys));
    let stored = false;
    const writing = cache.set('k', 'v').then(() => {
      stored = true;
    });
    await clock.advanceAsync(999);
    expect(stored).toBe(false); // still waiting for the connection
    await clock.advanceAsync(1);
    await writing;
    expect(cache.stats().l2).toMatchObject({ writeFailures: 1, timeouts: 1 });
    expect(failed).toEqual([['k']]);
    expect(logger.warnings).toContain('cache write could not reach L2; the value is in L1 only');
    expect(await cache.get('k')).toBe('v');
  });
});

describe('ready()', () => {
  it('settles within timeouts.ready while Redis is down, saying what is not up', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const client = connecting({}, url);
    const subscriber = connecting({}, url);
    const clock = createTestClock();
    const cache = make({
      l2: redisStore({ client, prefix: 'down:' }),
      bus: redisBus({ publisher: client, subscriber }),
      clock,
      timeouts: { ready: '2s' },
    });
    let readiness: unknown;
    void cache.ready().then((value) => {
      readiness = value;
    });
    await clock.advanceAsync(1999);
    expect(readiness).toBeUndefined();
    await clock.advanceAsync(1);
    expect(readiness).toEqual({ ready: false, l2: 'unavailable', bus: 'unavailable' });
    // The app started: the cache serves from L1 meanwhile (the write to L2 gives up after timeouts.l2).
    const writing = cache.set('k', 'v');
    await clock.advanceAsync(1000);
    await writing;
    expect(await cache.get('k')).toBe('v');
  });

  it('resolves as ready once the connection and the subscription are up', async () => {
    const client = connecting();
    const subscriber = connecting();
    const cache = make({
      l2: redisStore({ client, prefix: r.key('up:') }),
      bus: redisBus({ publisher: client, subscriber }),
      clock: createTestClock(),
    });
    expect(await cache.ready()).toEqual({ ready: true, l2: 'ready', bus: 'subscribed' });
  });

  it('an L1-only cache is ready at once', async () => {
    expect(await make({}).ready()).toEqual({ ready: true, l2: undefined, bus: undefined });
  });

  it('once the late subscription is up, drops the L1 it filled while invalidations could not reach it', async () => {
    const client = connecting({ enableOfflineQueue: false });
    const subscriber = new Redis(r.url, { lazyConnect: true });
    clients.push(subscriber);
    const clock = createTestClock();
    const cache = make({
      l2: redisStore({ client, prefix: r.key('late:') }),
      bus: redisBus({ publisher: client, subscriber }),
      clock,
      timeouts: { ready: 100 },
    });
    const readiness = cache.ready();
    await clock.advanceAsync(100);
    expect(await readiness).toMatchObject({ bus: 'unavailable' });
    await cache.set('k', 'v');
    expect(cache.stats().bus?.resyncs).toBe(0);
    const subscribed = once(subscriber, 'ready');
    await subscriber.connect();
    await subscribed;
    expect(await cache.ready()).toMatchObject({ bus: 'subscribed' });
    expect(cache.stats().bus?.resyncs).toBe(1);
    expect(cache.stats().l1?.items).toBe(0);
  });
});
