import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { type Cache, CacheError, type CacheOptions, createCache, memoryStore } from '../src/index.ts';
import { deferred, fakeClock, flush } from './cache-helpers.ts';

const caches: Cache[] = [];
function cache(options: CacheOptions = {}): Cache {
  const created = createCache(options);
  caches.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(caches.splice(0).map((c) => c.close()));
  vi.restoreAllMocks();
});

describe('getOrSet single-flight', () => {
  it('calls the factory once for 1,000 concurrent misses on one key', async () => {
    const c = cache();
    const gate = deferred<void>();
    let calls = 0;
    const pending = Array.from({ length: 1000 }, () =>
      c.getOrSet('k', async () => {
        calls++;
        await gate.promise;
        return { answer: 42 };
      }),
    );
    gate.resolve();
    const values = await Promise.all(pending);
    expect(calls).toBe(1);
    expect(new Set(values).size).toBe(1);
    expect(values[0]).toEqual({ answer: 42 });
    expect(c.stats()).toMatchObject({ factoryCalls: 1, singleFlightWaits: 999 });
  });

  it('scopes single-flight per cache: two caches do not share one in-flight map', async () => {
    const a = cache();
    const b = cache();
    let calls = 0;
    const factory = async (): Promise<number> => {
      calls++;
      await flush();
      return calls;
    };
    await Promise.all([a.getOrSet('k', factory), b.getOrSet('k', factory)]);
    expect(calls).toBe(2);
  });

  it('shares a factory failure with every waiter and caches nothing', async () => {
    const c = cache();
    let calls = 0;
    const boom = new Error('db down');
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        c.getOrSet('k', async () => {
          calls++;
          await flush();
          throw boom;
        }),
      ),
    );
    expect(calls).toBe(1);
    expect(results.every((r) => r.status === 'rejected' && r.reason === boom)).toBe(true);
    expect(await c.getOrSet('k', () => 'ok')).toBe('ok');
  });
});

describe('freshness, grace and timeouts', () => {
  it('serves a fresh value without calling the factory, and calls it again after ttl without grace', async () => {
    const clock = fakeClock();
    const c = cache({ clock, ttl: '1m' });
    const factory = vi.fn(async () => 'v');
    await c.getOrSet('k', factory);
    clock.advance(59_999);
    await c.getOrSet('k', factory);
    expect(factory).toHaveBeenCalledTimes(1);
    clock.advance(1);
    expect(await c.get('k')).toBeUndefined();
    await c.getOrSet('k', factory);
    expect(factory).toHaveBeenCalledTimes(2);
  });

  it('serves the stale value at once during grace while exactly one refresh runs', async () => {
    const clock = fakeClock();
    const c = cache({ clock, ttl: 1000, grace: '1h' });
    await c.getOrSet('k', () => 'old');
    clock.advance(1500);
    const gate = deferred<string>();
    let calls = 0;
    let seenStale: unknown;
    const refresh = async (ctx: { stale: string | undefined }): Promise<string> => {
      calls++;
      seenStale = ctx.stale;
      return gate.promise;
    };
    const served = await Promise.all(Array.from({ length: 50 }, () => c.getOrSet('k', refresh)));
    expect(served.every((v) => v === 'old')).toBe(true);
    expect(calls).toBe(1);
    expect(seenStale).toBe('old');
    gate.resolve('new');
    await flush();
    expect(await c.getOrSet('k', refresh)).toBe('new');
    expect(c.stats().staleServed).toBe(50);
  });

  it('drops the stale value once grace is over', async () => {
    const clock = fakeClock();
    const c = cache({ clock, ttl: 1000, grace: 1000 });
    await c.getOrSet('k', () => 'old');
    clock.advance(2000);
    expect(await c.getOrSet('k', () => 'new')).toBe('new');
  });

  it('soft timeout: a slow refresh returns the stale value at the timeout and still fills the cache', async () => {
    const clock = fakeClock();
    const c = cache({ clock, ttl: 1000, grace: '1h', timeouts: { soft: 20 } });
    await c.getOrSet('k', () => 'old');
    clock.advance(1001);
    const gate = deferred<string>();
    const served = c.getOrSet('k', () => gate.promise);
    await clock.advanceAsync(20);
    expect(await served).toBe('old');
    gate.resolve('new');
    await flush();
    expect(await c.get('k')).toBe('new');
    // A refresh that beats the soft timeout is served directly.
    clock.advance(1001);
    expect(await c.getOrSet('k', async () => 'newer')).toBe('newer');
  });

  it('hard timeout without a stale value: ERR_CACHE_FACTORY_TIMEOUT (504), and the late value is still cached', async () => {
    const clock = fakeClock();
    const c = cache({ clock, timeouts: { hard: 20 } });
    const gate = deferred<string>();
    const pending = c.getOrSet('k', () => gate.promise).catch((e: unknown) => e);
    await clock.advanceAsync(20);
    const error = await pending;
    expect(error).toBeInstanceOf(CacheError);
    expect(error).toMatchObject({ code: 'ERR_CACHE_FACTORY_TIMEOUT', status: 504 });
    gate.resolve('late');
    await flush();
    expect(await c.get('k')).toBe('late');
  });

  it('hard timeout shorter than the soft one: stale by default, a typed error with staleOnHardTimeout: false', async () => {
    const clock = fakeClock();
    const c = cache({ clock, ttl: 1000, grace: '1h', timeouts: { soft: 1000, hard: 20 } });
    await c.getOrSet('k', () => 'old');
    clock.advance(1001);
    const never = new Promise<string>(() => {});
    const served = c.getOrSet('k', () => never);
    await clock.advanceAsync(20);
    expect(await served).toBe('old');
    const strict = cache({
      clock,
      ttl: 1000,
      grace: '1h',
      timeouts: { soft: 1000, hard: 20 },
      staleOnHardTimeout: false,
    });
    await strict.getOrSet('k', () => 'old');
    clock.advance(1001);
    const refused = strict.getOrSet('k', () => never).catch((error: unknown) => error);
    await clock.advanceAsync(20);
    expect(await refused).toMatchObject({ code: 'ERR_CACHE_FACTORY_TIMEOUT' });
  });

  it('a failing factory with a stale value serves stale and backs off before calling again', async () => {
    const clock = fakeClock();
    const c = cache({ clock, ttl: 1000, grace: '1h', failureBackoff: '10s', timeouts: { soft: 50 } });
    await c.getOrSet('k', () => 'old');
    clock.advance(1001);
    const failing = vi.fn(async (): Promise<string> => {
      throw new Error('upstream 500');
    });
    expect(await c.getOrSet('k', failing)).toBe('old');
    expect(await c.getOrSet('k', failing)).toBe('old');
    expect(failing).toHaveBeenCalledTimes(1);
    clock.advance(10_001);
    expect(await c.getOrSet('k', async () => 'recovered')).toBe('recovered');
    expect(c.stats().factoryErrors).toBe(1);
  });

  it('applies ttl jitter as a shortening of at most the given fraction', async () => {
    const clock = fakeClock();
    vi.spyOn(Math, 'random').mockReturnValue(0.999_999);
    const c = cache({ clock, ttl: 1000, jitter: 0.5 });
    await c.set('k', 'v');
    clock.advance(499);
    expect(await c.has('k')).toBe(true);
    clock.advance(2);
    expect(await c.has('k')).toBe(false);
  });
});

describe('factory context', () => {
  it('setTtl, setTags and skip shape how the result is cached', async () => {
    const clock = fakeClock();
    const c = cache({ clock, ttl: '1h' });
    await c.getOrSet('short', (ctx) => {
      ctx.setTtl('1s');
      return 1;
    });
    clock.advance(1001);
    expect(await c.has('short')).toBe(false);

    await c.getOrSet('tagged', (ctx) => {
      ctx.setTags(['team:1']);
      return 2;
    });
    await c.deleteByTag(['team:1']);
    expect(await c.has('tagged')).toBe(false);

    expect(
      await c.getOrSet('skipped', (ctx) => {
        ctx.skip();
        return 'not cached';
      }),
    ).toBe('not cached');
    expect(await c.has('skipped')).toBe(false);
  });

  it('rejects a bad setTtl from the factory with ERR_CACHE_INVALID_OPTION', async () => {
    const c = cache();
    // @ts-expect-error not a Duration: the type rejects it, and so must the run-time check
    await expect(c.getOrSet('k', (ctx) => ctx.setTtl('soon'))).rejects.toMatchObject({
      code: 'ERR_CACHE_INVALID_OPTION',
    });
  });
});

describe('tags, clear and namespaces with grace on', () => {
  it('deleteByTag removes the entries, grace included; other tags stay', async () => {
    const c = cache({ ttl: '1m', grace: '1h' });
    await c.set('a', 1, { tags: ['x'] });
    await c.set('b', 2, { tags: ['y'] });
    await c.deleteByTag(['x']);
    expect(await c.get('a')).toBeUndefined();
    expect(await c.getOrSet('a', () => 'fresh')).toBe('fresh');
    expect(await c.get('b')).toBe(2);
  });

  it('expireByTag keeps the entries as stale values for their grace period', async () => {
    const c = cache({ ttl: '1m', grace: '1h' });
    await c.set('a', 'old', { tags: ['x'] });
    await c.expireByTag(['x']);
    expect(await c.get('a')).toBeUndefined();
    const gate = deferred<string>();
    expect(await c.getOrSet('a', () => gate.promise)).toBe('old');
    gate.resolve('new');
    await flush();
    expect(await c.get('a')).toBe('new');
  });

  it('expire(key) keeps one entry as stale', async () => {
    const c = cache({ ttl: '1m', grace: '1h' });
    await c.set('a', 'old');
    expect(await c.expire('a')).toBe(true);
    expect(await c.expire('missing')).toBe(false);
    expect(await c.has('a')).toBe(false);
    expect(await c.getOrSet('a', () => new Promise<string>(() => {}))).toBe('old');
  });

  it('clear() empties the namespace and its children, grace included, and leaves the parent and siblings alone', async () => {
    const root = cache({ ttl: '1m', grace: '1h' });
    const users = root.namespace('users');
    const admins = users.namespace('admins');
    const posts = root.namespace('posts');
    await root.set('k', 'root');
    await users.set('k', 'users');
    await admins.set('k', 'admins');
    await posts.set('k', 'posts');
    expect(await users.get('k')).toBe('users');
    await users.clear();
    expect(await users.get('k')).toBeUndefined();
    expect(await admins.get('k')).toBeUndefined();
    expect(await users.getOrSet('k', () => 'refilled')).toBe('refilled');
    expect(await root.get('k')).toBe('root');
    expect(await posts.get('k')).toBe('posts');
    await root.clear();
    expect(await posts.get('k')).toBeUndefined();
    expect(await users.get('k')).toBeUndefined();
  });

  it('copies the tag list, so changing the array after set() changes nothing', async () => {
    const c = cache();
    const tags = ['a'];
    await c.set('k', 1, { tags });
    tags[0] = 'b';
    await c.deleteByTag(['b']);
    expect(await c.get('k')).toBe(1);
    await c.deleteByTag(['a']);
    expect(await c.get('k')).toBeUndefined();
  });

  it('tags are scoped to their namespace', async () => {
    const root = cache();
    const a = root.namespace('a');
    const b = root.namespace('b');
    await a.set('k', 1, { tags: ['t'] });
    await b.set('k', 2, { tags: ['t'] });
    await a.deleteByTag(['t']);
    expect(await a.get('k')).toBeUndefined();
    expect(await b.get('k')).toBe(2);
  });
});

describe('other operations', () => {
  it('get/set/has/delete/deleteMany/getMany/setMany', async () => {
    const c = cache();
    await c.setMany([
      { key: 'a', value: 1 },
      { key: 'b', value: undefined },
      { key: 'c', value: new Date(3) },
    ]);
    expect(await c.getMany(['a', 'b', 'c', 'd'])).toEqual([1, undefined, new Date(3), undefined]);
    expect(await c.has('b')).toBe(true);
    expect(await c.has('d')).toBe(false);
    expect(await c.delete('a')).toBe(true);
    expect(await c.delete('a')).toBe(false);
    expect(await c.deleteMany(['b', 'c', 'd'])).toBe(2);
    expect(await c.getMany(['a', 'b', 'c'])).toEqual([undefined, undefined, undefined]);
  });

  it('counts hits, misses and factory calls in stats() and publishes on diagnostics channels', async () => {
    const c = cache();
    const seen: unknown[] = [];
    const listener = (message: unknown): void => {
      seen.push(message);
    };
    subscribe('infra:cache:factory', listener);
    subscribe('infra:cache:hit', listener);
    try {
      await c.getOrSet('k', () => 1);
      await c.getOrSet('k', () => 1);
    } finally {
      unsubscribe('infra:cache:factory', listener);
      unsubscribe('infra:cache:hit', listener);
    }
    expect(seen).toEqual([
      expect.objectContaining({ key: 'k', durationMs: expect.any(Number) }),
      { key: 'k', tier: 'l1', stale: false },
    ]);
    expect(c.stats()).toMatchObject({
      l1: { hits: 1, misses: 1, items: 1 },
      factoryCalls: 1,
      l2: undefined,
      degraded: false,
    });
  });

  it('rejects calls after close() with ERR_CACHE_CLOSED; close() is idempotent and works with await using', async () => {
    const c = createCache();
    await c.close();
    await c.close();
    await expect(c.get('k')).rejects.toMatchObject({ code: 'ERR_CACHE_CLOSED' });
    await expect(c.getOrSet('k', () => 1)).rejects.toMatchObject({ code: 'ERR_CACHE_CLOSED' });
    let escaped: ReturnType<typeof createCache> | undefined;
    {
      await using scoped = createCache();
      await scoped.set('k', 1);
      escaped = scoped;
    }
    // Disposal closed it: the same object now refuses every call.
    await expect(escaped.get('k')).rejects.toMatchObject({ code: 'ERR_CACHE_CLOSED' });
  });
});

describe('validation', () => {
  it('throws ERR_CACHE_INVALID_OPTION naming the option', () => {
    const bad: [CacheOptions, RegExp][] = [
      // @ts-expect-error not a Duration: the type rejects it, and so must the run-time check
      [{ ttl: 'soon' }, /"ttl"/],
      [{ ttl: 0 }, /"ttl"/],
      [{ grace: -1 }, /"grace"/],
      [{ jitter: 2 }, /"jitter"/],
      [{ namespace: 'a:b' }, /"namespace"/],
      [{ l1: false }, /"l1"/],
      [{ timeouts: { l2: 0 } }, /"timeouts.l2"/],
      // @ts-expect-error not a Duration: the type rejects it, and so must the run-time check
      [{ timeouts: { hard: '1 fortnight' } }, /"timeouts.hard"/],
      [{ circuitBreaker: { threshold: 0 } }, /"circuitBreaker.threshold"/],
      [{ l2: {} as NonNullable<CacheOptions['l2']> }, /"l2"/],
      // @ts-expect-error not a Duration: the type rejects it, and so must the run-time check
      [{ distributed: { leaseTtl: 'x' } }, /"distributed.leaseTtl"/],
    ];
    for (const [options, message] of bad) {
      expect(() => createCache(options), JSON.stringify(options)).toThrow(message);
      try {
        createCache(options);
      } catch (error) {
        expect(error).toMatchObject({ code: 'ERR_CACHE_INVALID_OPTION' });
      }
    }
  });

  it('rejects bad keys, tags and namespace names', async () => {
    const c = cache();
    await expect(c.get('')).rejects.toMatchObject({ code: 'ERR_CACHE_INVALID_KEY' });
    await expect(c.set('__cache:versions', 1)).rejects.toMatchObject({ code: 'ERR_CACHE_INVALID_KEY' });
    await expect(c.getOrSet(42 as unknown as string, () => 1)).rejects.toMatchObject({ code: 'ERR_CACHE_INVALID_KEY' });
    await expect(c.set('k', 1, { tags: [''] })).rejects.toMatchObject({ code: 'ERR_CACHE_INVALID_OPTION' });
    await expect(c.deleteByTag('x' as unknown as string[])).rejects.toMatchObject({ code: 'ERR_CACHE_INVALID_OPTION' });
    expect(() => c.namespace('a:b')).toThrow(/"name"/);
  });

  it('accepts a custom L1 with its own bounds', async () => {
    const c = cache({ l1: memoryStore({ maxItems: 1 }) });
    await c.set('a', 1);
    await c.set('b', 2);
    expect(await c.getMany(['a', 'b'])).toEqual([undefined, 2]);
  });
});

describe('types', () => {
  it('infers the factory result type', () => {
    const c = createCache();
    expectTypeOf(c.getOrSet('k', () => ({ id: 1 }))).toEqualTypeOf<Promise<{ id: number }>>();
    expectTypeOf(c.getOrSet('k', async () => 'x')).toEqualTypeOf<Promise<string>>();
    expectTypeOf(c.get<number>('k')).toEqualTypeOf<Promise<number | undefined>>();
    void c.close();
  });
});
