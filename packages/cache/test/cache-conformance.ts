/**
 * The cache conformance suite: one behaviour, three set-ups (memory only, Redis only, memory + Redis), on
 * whatever Redis the caller gives: one node (`conformance.integration.test.ts`) or a 3-master Redis Cluster
 * (`cache-cluster.integration.test.ts`). A tier- or topology-specific shortcut that changes behaviour shows
 * up as a failure in one set-up only. Not a test file itself.
 */
import { redisBus, redisStore } from '@infra/cache/redis';
import fc from 'fast-check';
import type { Cluster, Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { type Cache, type CacheOptions, createCache } from '../src/index.ts';
import { deferred, eventually, fakeClock, flush } from './cache-helpers.ts';

/** Where the suite's Redis set-ups run. */
export interface CacheBackend {
  /** The shared client of the file. */
  client: Redis | Cluster;
  /** A key (or prefix) under the file's own prefix. */
  key(name: string): string;
  /** Another connection: a second instance, or a bus subscriber. */
  connect(): Promise<Redis | Cluster>;
}

/** Runs the cache conformance suite against `backend`. */
export function cacheConformance(label: string, backend: CacheBackend): void {
  let n = 0;
  const setups: Record<string, (options: CacheOptions) => CacheOptions> = {
    'memory only': (options) => options,
    'Redis only': (options) => ({
      ...options,
      l1: false,
      l2: redisStore({ client: backend.client, prefix: backend.key(`s${n++}:`) }),
    }),
    'memory + Redis': (options) => ({
      ...options,
      l2: redisStore({ client: backend.client, prefix: backend.key(`s${n++}:`) }),
    }),
  };

  const open: Cache[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });

  describe.each(Object.entries(setups))(`${label}: %s`, (_name, setup) => {
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

  describe(`${label}: several instances`, () => {
    /** Two instances of one cache: their own connections, one prefix, one bus channel. */
    async function pair(options: CacheOptions = {}): Promise<[Cache, Cache]> {
      const prefix = backend.key(`pair${n++}:`);
      const channel = `${prefix}bus`;
      const make = async (): Promise<Cache> => {
        const client = await backend.connect();
        const cache = createCache({
          ...options,
          l2: redisStore({ client, prefix }),
          bus: redisBus({ publisher: client, subscriber: await backend.connect(), channel }),
        });
        open.push(cache);
        expect(await cache.ready()).toMatchObject({ ready: true });
        return cache;
      };
      return [await make(), await make()];
    }

    it("bus: a set, a delete, a tag and a namespace clear on one instance reach the other one's L1", async () => {
      const [a, b] = await pair();
      const received = () => b.stats().bus?.received ?? 0;
      await a.set('k', 1, { tags: ['t'] });
      await a.set('n:k', 1);
      expect(await b.getMany(['k', 'n:k'])).toEqual([1, 1]); // now in b's L1 too
      let seen = received();
      await a.set('k', 2, { tags: ['t'] });
      await eventually(() => received() > seen);
      expect(await b.get('k')).toBe(2);
      seen = received();
      await a.deleteByTag(['t']);
      await eventually(() => received() > seen);
      expect(await b.get('k')).toBeUndefined();
      await a.namespace('n').set('k', 1);
      expect(await b.namespace('n').get('k')).toBe(1);
      seen = received();
      await a.namespace('n').clear();
      await eventually(() => received() > seen);
      expect(await b.namespace('n').get('k')).toBeUndefined();
      await b.set('d', 1);
      expect(await a.get('d')).toBe(1);
      seen = a.stats().bus?.received ?? 0;
      await b.delete('d');
      await eventually(() => (a.stats().bus?.received ?? 0) > seen);
      expect(await a.get('d')).toBeUndefined();
    });

    it('distributed single-flight: 2 instances × 50 concurrent misses call the factory once', async () => {
      const [a, b] = await pair({ distributed: { leaseTtl: '10s' } });
      const gate = deferred<void>();
      let calls = 0;
      const factory = async () => {
        calls++;
        await gate.promise;
        return 'v';
      };
      const all = [a, b].flatMap((cache) => Array.from({ length: 50 }, () => cache.getOrSet('k', factory)));
      // The holder runs the factory; the other instance waits on the lease.
      await eventually(() => calls === 1 && (a.stats().leaseWaits > 0 || b.stats().leaseWaits > 0));
      gate.resolve();
      expect(new Set(await Promise.all(all))).toEqual(new Set(['v']));
      expect(calls).toBe(1);
    });
  });

  describe(`${label}: an invalidation racing a getOrSet`, () => {
    const kinds = ['deleteByTag', 'expireByTag', 'clear', 'parent clear', 'delete'] as const;
    // Where the invalidation (the source's update, then the cache call) falls in the getOrSet.
    const points = [
      'before',
      'with the read',
      'before the source read',
      'after the source read',
      'with the write',
    ] as const;

    it('never leaves the old value current (property, interleavings)', async () => {
      const [a, b] = await pairFor('race');
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...kinds),
          fc.constantFrom(...points),
          fc.boolean(),
          fc.boolean(),
          async (kind, point, warm, remote) => {
            const run = n++;
            const key = `k${run}`;
            const tag = `t${run}`;
            const nsA = a.namespace(`p${run}`).namespace('c');
            const nsB = b.namespace(`p${run}`).namespace('c');
            let source = 0;
            if (warm) {
              // A stale value at hand: getOrSet serves it and refreshes in the background.
              await nsA.set(key, 'v0', { tags: [tag], grace: '1h' });
              await nsA.expire(key);
            }
            const invalidate = async (): Promise<void> => {
              source++;
              const cache = remote ? nsB : nsA;
              const before = a.stats().bus?.received ?? 0;
              if (kind === 'deleteByTag') await cache.deleteByTag([tag]);
              else if (kind === 'expireByTag') await cache.expireByTag([tag]);
              else if (kind === 'clear') await cache.clear();
              else if (kind === 'parent clear') await (remote ? b : a).namespace(`p${run}`).clear();
              else await cache.delete(key);
              // Another instance's invalidation counts once this instance has heard of it.
              if (remote) await eventually(() => (a.stats().bus?.received ?? 0) > before);
            };
            const started = deferred<void>();
            const sourceRead = deferred<void>();
            const gates = [deferred<void>(), deferred<void>()];
            const factory = async (): Promise<string> => {
              started.resolve();
              await gates[0]?.promise;
              const value = `v${source}`;
              sourceRead.resolve();
              await gates[1]?.promise;
              return value;
            };
            const open = () => {
              for (const gate of gates) gate.resolve();
            };
            if (point === 'before') {
              await invalidate();
              open();
              await nsA.getOrSet(key, factory, { tags: [tag] });
            } else if (point === 'with the read') {
              open();
              await Promise.all([nsA.getOrSet(key, factory, { tags: [tag] }), invalidate()]);
            } else if (point === 'with the write') {
              open();
              await nsA.getOrSet(key, factory, { tags: [tag] });
              await invalidate();
            } else {
              const call = nsA.getOrSet(key, factory, { tags: [tag] });
              await started.promise;
              if (point === 'after the source read') {
                gates[0]?.resolve();
                await sourceRead.promise;
              }
              await invalidate();
              open();
              await call;
            }
            // A warm value refreshes in the background: let that refresh end too.
            if (warm) await started.promise;
            open();
            await flush();
            const current = `v${source}`;
            const seen = await nsA.get(key);
            expect([undefined, current], `${kind} ${point}${warm ? ' warm' : ''}${remote ? ' remote' : ''}`).toContain(
              seen,
            );
            // Once every write has landed, a fresh instance reads the same from L2.
            const fresh = await nsB.get(key);
            expect([undefined, current]).toContain(fresh);
          },
        ),
        { numRuns: 60 },
      );
    });

    async function pairFor(name: string): Promise<[Cache, Cache]> {
      const prefix = backend.key(`${name}${n++}:`);
      const channel = `${prefix}bus`;
      const make = async (): Promise<Cache> => {
        const client = await backend.connect();
        const cache = createCache({
          ttl: '1h',
          l2: redisStore({ client, prefix }),
          bus: redisBus({ publisher: client, subscriber: await backend.connect(), channel }),
        });
        open.push(cache);
        await cache.ready();
        return cache;
      };
      return [await make(), await make()];
    }
  });
}
