/**
 * One behaviour, three set-ups: every test below runs against a memory-only cache, a Redis-only
 * cache and a memory+Redis cache, on a real Redis. A tier-specific shortcut that changes
 * behaviour shows up here as a failure in one set-up only.
 */

import { redisStore } from '@infra/cache/redis';
import { redis } from '@infra/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type Cache, type CacheOptions, createCache } from '../src/index.ts';
import { deferred, fakeClock, flush } from './cache-helpers.ts';

const r = await redis({ tag: 'cconf' });
let n = 0;

const setups: Record<string, (options: CacheOptions) => CacheOptions> = {
  'memory only': (options) => options,
  'Redis only': (options) => ({
    ...options,
    l1: false,
    l2: redisStore({ client: r.client, prefix: r.key(`s${n++}:`) }),
  }),
  'memory + Redis': (options) => ({ ...options, l2: redisStore({ client: r.client, prefix: r.key(`s${n++}:`) }) }),
};

const open: Cache[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

describe.each(Object.entries(setups))('%s', (_name, setup) => {
  function make(options: CacheOptions = {}): Cache {
    const cache = createCache(setup(options));
    open.push(cache);
    return cache;
  }

  it('round-trips Date, Map, Set, BigInt, Uint8Array and undefined', async () => {
    const c = make();
    const value = { at: new Date(7), m: new Map([['a', 1n]]), s: new Set([1]), b: new Uint8Array([9]), u: undefined };
    await c.set('k', value);
    const back = await c.get<typeof value>('k');
    expect(back).toEqual(value);
    expect(back?.at).toBeInstanceOf(Date);
    expect(back?.m.get('a')).toBe(1n);
    expect(back && Object.hasOwn(back, 'u')).toBe(true);
  });

  it('1,000 concurrent getOrSet misses call the factory once', async () => {
    const c = make();
    const gate = deferred<void>();
    let calls = 0;
    const all = Array.from({ length: 1000 }, () =>
      c.getOrSet('k', async () => {
        calls++;
        await gate.promise;
        return 'v';
      }),
    );
    await flush();
    gate.resolve();
    expect(new Set(await Promise.all(all))).toEqual(new Set(['v']));
    expect(calls).toBe(1);
  });

  it('expires after ttl, serves stale during grace with one background refresh, and drops after grace', async () => {
    const clock = fakeClock();
    const c = make({ clock, ttl: '1m', grace: '1h' });
    // set() returns once L2 has the value: time must not jump while an L2 call is in flight (it would time out).
    await c.set('k', 'old');
    clock.advance(60_001);
    expect(await c.get('k')).toBeUndefined();
    const gate = deferred<string>();
    let calls = 0;
    const served = await Promise.all(
      Array.from({ length: 20 }, () =>
        c.getOrSet('k', () => {
          calls++;
          return gate.promise;
        }),
      ),
    );
    expect(served.every((v) => v === 'old')).toBe(true);
    expect(calls).toBe(1);
    gate.resolve('new');
    await flush();
    await flush();
    expect(await c.get('k')).toBe('new');

    await c.set('g', 'old');
    clock.advance(60_000 + 3_600_000);
    expect(await c.getOrSet('g', () => 'after grace')).toBe('after grace');
  });

  it('deleteByTag removes tagged entries even with grace; expireByTag leaves them stale', async () => {
    const c = make({ ttl: '1m', grace: '1h' });
    await c.set('a', 'a1', { tags: ['red'] });
    await c.set('b', 'b1', { tags: ['blue'] });
    await c.set('c', 'c1', { tags: ['red', 'blue'] });
    await c.deleteByTag(['red']);
    expect(await c.getMany(['a', 'b', 'c'])).toEqual([undefined, 'b1', undefined]);
    expect(await c.getOrSet('a', () => 'a2')).toBe('a2');

    await c.expireByTag(['blue']);
    expect(await c.get('b')).toBeUndefined();
    const never = new Promise<string>(() => {});
    expect(await c.getOrSet('b', () => never)).toBe('b1');
    expect(await c.get('a')).toBe('a2');
  });

  it('clear() drops the namespace and its children, grace included, leaving siblings', async () => {
    const root = make({ ttl: '1m', grace: '1h' });
    const users = root.namespace('users');
    const deep = users.namespace('deep');
    const posts = root.namespace('posts');
    await Promise.all([root.set('k', 0), users.set('k', 1), deep.set('k', 2), posts.set('k', 3)]);
    await users.clear();
    expect(await Promise.all([root.get('k'), users.get('k'), deep.get('k'), posts.get('k')])).toEqual([
      0,
      undefined,
      undefined,
      3,
    ]);
    expect(await users.getOrSet('k', () => 'again')).toBe('again');
    await root.clear();
    expect(await Promise.all([root.get('k'), users.get('k'), posts.get('k')])).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('expire(key) keeps the value as stale for getOrSet', async () => {
    const c = make({ ttl: '1m', grace: '1h' });
    await c.set('k', 'old');
    expect(await c.expire('k')).toBe(true);
    expect(await c.has('k')).toBe(false);
    expect(await c.getOrSet('k', () => new Promise<string>(() => {}))).toBe('old');
  });

  it('getMany, setMany, has, delete and deleteMany', async () => {
    const c = make();
    await c.setMany([
      { key: 'a', value: 1 },
      { key: 'b', value: { nested: [new Date(2)] } },
    ]);
    expect(await c.getMany(['a', 'b', 'x'])).toEqual([1, { nested: [new Date(2)] }, undefined]);
    expect(await c.has('a')).toBe(true);
    expect(await c.delete('a')).toBe(true);
    expect(await c.has('a')).toBe(false);
    expect(await c.deleteMany(['a', 'b'])).toBe(1);
    expect(await c.get('b')).toBeUndefined();
  });

  it('a factory that never settles hits the hard timeout with ERR_CACHE_FACTORY_TIMEOUT', async () => {
    const clock = fakeClock();
    const c = make({ clock, timeouts: { hard: 30 } });
    const started = deferred<void>();
    const outcome = c
      .getOrSet('k', () => {
        started.resolve();
        return new Promise<string>(() => {});
      })
      .catch((error: unknown) => error);
    await started.promise; // past the L2 read: the hard timeout now runs
    await clock.advanceAsync(30);
    expect(await outcome).toMatchObject({ code: 'ERR_CACHE_FACTORY_TIMEOUT' });
  });

  it('ctx.skip() returns without caching, ctx.setTags() tags the result', async () => {
    const c = make();
    expect(
      await c.getOrSet('s', (ctx) => {
        ctx.skip();
        return 1;
      }),
    ).toBe(1);
    expect(await c.has('s')).toBe(false);
    await c.getOrSet('t', (ctx) => {
      ctx.setTags(['x']);
      return 2;
    });
    await c.deleteByTag(['x']);
    expect(await c.has('t')).toBe(false);
  });
});
