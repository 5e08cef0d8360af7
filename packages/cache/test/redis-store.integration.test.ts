import { type RedisCommandClient, redisStore } from '@infra/cache/redis';
import { redis } from '@infra/testkit';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Cache,
  type CacheOptions,
  createCache,
  createSerializer,
  type EntryDeps,
  type L2Record,
} from '../src/index.ts';

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

const noDeps: EntryDeps = { remove: [], expire: [] };
const recordOf = (i: number): L2Record => {
  const now = Date.now();
  return { createdAt: now, freshUntil: now + 60_000, staleUntil: now + 60_000, tags: [], payload: String(i) };
};

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
    await cache.set('warm-up', 0); // the script is loaded (another test file may have flushed scripts)
    sent.length = 0;
    await cache.setMany(Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: i })));
    expect(sent).toHaveLength(1);
    sent.length = 0;
    const values = await cache.getMany(Array.from({ length: 50 }, (_, i) => `k${i}`));
    expect(values).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(sent).toHaveLength(1);
  });

  it('sends the writes of one tick together: the first alone, then up to 16 in one script call', async () => {
    const { client, sent } = counting(r.client);
    const cache = make({ l1: false, l2: redisStore({ client, prefix: r.key('tick:') }) });
    await cache.set('warm-up', 0);
    sent.length = 0;
    await Promise.all(Array.from({ length: 40 }, (_, i) => cache.set(`k${i}`, { i })));
    expect(sent).toEqual(['EVALSHA', 'EVALSHA', 'EVALSHA', 'EVALSHA']); // 1 + 16 + 16 + 7
    expect(await cache.getMany(Array.from({ length: 40 }, (_, i) => `k${i}`))).toEqual(
      Array.from({ length: 40 }, (_, i) => ({ i })),
    );
  });

  it('a write batch that fails fails every write in it, each reported by its own set()', async () => {
    const { client } = counting(r.client);
    let calls = 0;
    const failing: RedisCommandClient = {
      ...client,
      get status() {
        return r.client.status;
      },
      // The first write of the tick goes through; the batch after it fails.
      evalsha: (...args) => (++calls === 1 ? client.evalsha(...args) : Promise.reject(new Error('connection reset'))),
    };
    const l2 = redisStore({ client: failing, prefix: r.key('tickfail:') });
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, (_, i) =>
        l2.setMany([{ key: `k${i}`, record: recordOf(i), deps: noDeps, ttlMs: 60_000 }]),
      ),
    );
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected']);
  });

  it.each([
    [
      'a prefix with a hash tag',
      { prefix: '{app}:' },
      {},
      /prefix.*must not contain '\{' or '\}'.*one master.*use e\.g\. 'app:'/,
    ],
    ['reads from replicas', {}, { scaleReads: 'slave' }, /scaleReads: 'master'.*got scaleReads: 'slave'/],
    [
      'a keyPrefix with a hash tag',
      {},
      { keyPrefix: '{app}:' },
      /keyPrefix '\{app\}:' has a hash tag.*remove the braces/,
    ],
  ])(
    'rejects a Cluster client with %s at construction, saying what to change',
    (_what, store, clientOptions, message) => {
      const cluster = {
        ...r.client,
        call: r.client.call,
        evalsha: r.client.evalsha,
        eval: r.client.eval,
        isCluster: true,
        options: clientOptions,
      };
      let thrown: unknown;
      try {
        redisStore({ client: cluster, ...store });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: 'ERR_CACHE_INVALID_OPTION' });
      expect((thrown as Error).message).toMatch(message);
    },
  );

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
    await cache.deleteByTag(['warm-up']); // the script is loaded
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

  it('keeps tags with commas, quotes and newlines, and reads its own entries back after tag deletes', async () => {
    const cache = make({ l1: false, l2: redisStore({ client: r.client, prefix: r.key('tags:') }) });
    const tags = ['a,b', 'line\nbreak', '"quoted"', 'ünï'];
    await cache.set('k', 1, { tags });
    await cache.set('other', 2, { tags: ['a'] });
    expect(await cache.get('k')).toBe(1);
    await cache.deleteByTag(['line\nbreak']);
    expect(await cache.getMany(['k', 'other'])).toEqual([undefined, 2]);
  });

  it('treats values it cannot read as misses, not as an outage', async () => {
    const warnings: string[] = [];
    const logger = {
      debug: () => {},
      info: () => {},
      warn: (_: object, msg?: string) => warnings.push(String(msg)),
      error: () => {},
    };
    const prefix = r.key('junk:');
    const cache = make({ l1: false, l2: redisStore({ client: r.client, prefix }), logger });
    await r.client.set(`${prefix}plain`, 'not ours');
    await r.client.set(`${prefix}header`, '\n1,2,9999999999999,0\n[oops\n[]\nj{}');
    await cache.set('payload', 'x');
    const stored = (await r.client.get(`${prefix}payload`)) as string;
    await r.client.set(`${prefix}payload`, `${stored.slice(0, stored.lastIndexOf('\n') + 1)}j{broken`);
    expect(await cache.getMany(['plain', 'header', 'payload'])).toEqual([undefined, undefined, undefined]);
    expect(await cache.getOrSet('plain', () => 'recomputed')).toBe('recomputed');
    expect(cache.stats()).toMatchObject({ degraded: false, l2: { errors: 0 } });
    expect(warnings).toContain('cache could not read an L2 entry; treating it as a miss');
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

  it('reloads its scripts when Redis answers NOSCRIPT (a restarted Redis)', async () => {
    // Simulated on one client, so the shared server's script cache is left alone for other test files.
    const { client, sent } = counting(r.client);
    let forget = true;
    const forgetful: RedisCommandClient = {
      ...client,
      get status() {
        return r.client.status;
      },
      evalsha: (sha, keys, ...args) => {
        if (!forget) return client.evalsha(sha, keys, ...args);
        forget = false;
        sent.push('EVALSHA');
        return Promise.reject(new Error('NOSCRIPT No matching script. Please use EVAL.'));
      },
    };
    const cache = make({ l1: false, l2: redisStore({ client: forgetful, prefix: r.key('flush:') }) });
    await cache.set('k', 1);
    expect(sent).toEqual(['EVALSHA', 'EVAL']);
    expect(await cache.get('k')).toBe(1);
    expect(cache.stats().l2?.errors).toBe(0);
  });

  it('rejects bad options naming them', () => {
    expect(() => redisStore({ client: {} as RedisCommandClient })).toThrow(/"client"/);
    expect(() => redisStore({ client: r.client, prefix: 1 as unknown as string })).toThrow(/"prefix"/);
  });
});
