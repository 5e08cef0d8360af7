import { type RedisCommandClient, redisStore } from '@infra/cache/redis';
import { redis } from '@infra/testkit';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { type Cache, type CacheOptions, createCache, createSerializer } from '../src/index.ts';

const r = await redis({ tag: 'cstore' });
const open: Cache[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});
function make(options: CacheOptions): Cache {
  const cache = createCache(options);
  open.push(cache);
  return cache;
}

/** Wraps the client to count the commands the store sends. */
function counting(client: Redis): { client: RedisCommandClient; sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    client: {
      get status() {
        return client.status;
      },
      call: (command, ...args) => {
        sent.push(command);
        return client.call(command, ...args);
      },
      evalsha: (sha, keys, ...args) => {
        sent.push('EVALSHA');
        return client.evalsha(sha, keys, ...args);
      },
      eval: (script, keys, ...args) => {
        sent.push('EVAL');
        return client.eval(script, keys, ...args);
      },
    },
  };
}

describe('redisStore', () => {
  it('getMany and setMany are one round trip each, whatever the number of keys', async () => {
    const { client, sent } = counting(r.client);
    const cache = make({ l1: false, l2: redisStore({ client, prefix: r.key('rt:') }) });
    await cache.setMany(Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: i })));
    expect(sent).toHaveLength(1);
    sent.length = 0;
    const values = await cache.getMany(Array.from({ length: 50 }, (_, i) => `k${i}`));
    expect(values).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(sent).toHaveLength(1);
  });

  it('Date, Map and BigInt survive a Redis round trip to another instance', async () => {
    const prefix = r.key('types:');
    const writer = make({ l2: redisStore({ client: r.client, prefix }) });
    const reader = make({ l2: redisStore({ client: await r.connect(), prefix }) });
    const value = { at: new Date('2026-11-22T10:00:00Z'), m: new Map([[1n, new Set([new Date(0)])]]), n: 2n ** 70n };
    await writer.set('k', value);
    const back = await reader.get<typeof value>('k');
    expect(back).toEqual(value);
    expect(back?.at).toBeInstanceOf(Date);
    expect(back?.m).toBeInstanceOf(Map);
    expect(back?.n).toBe(2n ** 70n);
  });

  it('stores compressed payloads when the serializer is told to', async () => {
    const prefix = r.key('zip:');
    const cache = make({
      l1: false,
      l2: redisStore({ client: r.client, prefix }),
      serializer: createSerializer({ compressAbove: 256 }),
    });
    const big = { text: 'cache '.repeat(5000) };
    await cache.set('big', big);
    expect(await r.client.strlen(`${prefix}big`)).toBeLessThan(2000);
    expect(await cache.get('big')).toEqual(big);
  });

  it('clear() and tags cost one counter bump: no SCAN, no KEYS, no per-key delete', async () => {
    const { client, sent } = counting(r.client);
    const cache = make({ l1: false, l2: redisStore({ client, prefix: r.key('o1:') }) });
    await cache.setMany(Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: i, tags: ['all'] })));
    sent.length = 0;
    await cache.clear();
    await cache.deleteByTag(['all']);
    expect(sent).toEqual(['EVALSHA', 'EVALSHA']);
    expect(await cache.get('k1')).toBeUndefined();
  });

  it('keeps entries in Redis until the end of grace, and a different prefix is a different cache', async () => {
    const a = make({ l1: false, l2: redisStore({ client: r.client, prefix: r.key('pa:') }), ttl: '1m', grace: '1h' });
    const b = make({ l1: false, l2: redisStore({ client: r.client, prefix: r.key('pb:') }) });
    await a.set('k', 1);
    const ttl = await r.client.pttl(r.key('pa:k'));
    expect(ttl).toBeGreaterThan(3_600_000);
    expect(ttl).toBeLessThanOrEqual(3_660_000);
    expect(await b.get('k')).toBeUndefined();
    await b.clear();
    expect(await a.get('k')).toBe(1);
  });

  it('takes and releases leases by token', async () => {
    const store = redisStore({ client: r.client, prefix: r.key('lease:') });
    expect(await store.acquireLease('k', 'one', 5000)).toBe(true);
    expect(await store.acquireLease('k', 'two', 5000)).toBe(false);
    await store.releaseLease('k', 'two');
    expect(await store.acquireLease('k', 'two', 5000)).toBe(false);
    await store.releaseLease('k', 'one');
    expect(await store.acquireLease('k', 'two', 5000)).toBe(true);
  });

  it('reloads its scripts after SCRIPT FLUSH (a restarted Redis)', async () => {
    const client = await r.connect();
    const cache = make({ l1: false, l2: redisStore({ client, prefix: r.key('flush:') }) });
    await cache.set('k', 1);
    await client.script('FLUSH');
    expect(await cache.get('k')).toBe(1);
    expect(cache.stats().l2?.errors).toBe(0);
  });

  it('fails fast instead of queueing when the client is not connected', async () => {
    const idle = new Redis(r.url, { lazyConnect: true });
    const store = redisStore({ client: idle, prefix: r.key('idle:') });
    await expect(store.getMany(['k'], [])).rejects.toMatchObject({ code: 'ERR_CACHE_STORE_UNAVAILABLE' });
    const cache = make({ l2: store, timeouts: { l2: 5000 } });
    const started = Date.now();
    expect(await cache.getOrSet('k', () => 'from the factory')).toBe('from the factory');
    expect(Date.now() - started).toBeLessThan(1000);
    idle.disconnect();
  });

  it('rejects bad options naming them', () => {
    expect(() => redisStore({ client: {} as RedisCommandClient })).toThrow(/"client"/);
    expect(() => redisStore({ client: r.client, prefix: 1 as unknown as string })).toThrow(/"prefix"/);
  });
});
