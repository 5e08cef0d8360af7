import { freePort, redis } from '@infra/testkit';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createLocker, type Lock } from '../src/index.ts';
import { redisLockStore } from '../src/redis/index.ts';
import { lockStoreConformance } from './lock-conformance.ts';

const r = await redis();
lockStoreConformance('redis', () => redisLockStore({ client: r.client }), r.key('conformance:'));
lockStoreConformance(
  'redis without hash tags',
  () => redisLockStore({ client: r.client, hashTags: false }),
  r.key('plain:'),
);
const connections = await Promise.all(Array.from({ length: 8 }, () => r.connect()));
// One lock factory per connection, as in eight processes sharing one Redis.
const factories = connections.map((client) =>
  createLocker({ store: redisLockStore({ client }), prefix: r.key('lock:'), ttl: 2_000 }),
);
const [a, b] = factories as [ReturnType<typeof createLocker>, ReturnType<typeof createLocker>];

describe('redisLockStore', () => {
  it('8 concurrent workers doing read-modify-write on a shared counter under withLock lose no update', async () => {
    const counter = r.key('counter');
    await r.client.set(counter, '0');
    const perWorker = 25;
    await Promise.all(
      connections.map(async (client, worker) => {
        const locks = factories[worker];
        for (let i = 0; i < perWorker; i++) {
          await locks?.withLock(
            'counter',
            async () => {
              const value = Number(await client.get(counter));
              // Yield between read and write, where an unlocked read-modify-write loses updates.
              await new Promise((resolve) => setImmediate(resolve));
              await client.set(counter, String(value + 1));
            },
            { retry: { attempts: 10_000, delay: 1, jitter: 3 } },
          );
        }
      }),
    );
    expect(Number(await r.client.get(counter))).toBe(connections.length * perWorker);
  });

  it('control: the same workload without the lock does lose updates', async () => {
    const counter = r.key('unlocked-counter');
    await r.client.set(counter, '0');
    await Promise.all(
      connections.map(async (client) => {
        for (let i = 0; i < 25; i++) {
          const value = Number(await client.get(counter));
          await new Promise((resolve) => setImmediate(resolve));
          await client.set(counter, String(value + 1));
        }
      }),
    );
    expect(Number(await r.client.get(counter))).toBeLessThan(connections.length * 25);
  });

  it("a stalled holder's lease expires, and its late release does not free the new holder's lock", async () => {
    const stalled = (await a.tryAcquire('stall', { ttl: 150 })) as Lock;
    expect(stalled).not.toBeNull();
    expect(await b.tryAcquire('stall')).toBeNull();
    // The holder stalls (no extension, no release); the next one waits for the lease to run out.
    const next = await b.acquire('stall', { retry: { attempts: 200, delay: 10, jitter: 5 } });
    expect(next.fencingToken).toBeGreaterThan(stalled.fencingToken);
    expect(await stalled.release()).toBe(false);
    await expect(stalled.extend()).rejects.toMatchObject({ code: 'ERR_CACHE_LOCK_LOST' });
    expect(await a.tryAcquire('stall')).toBeNull();
    expect(await r.client.get(r.key('lock:{stall}'))).toBe(next.token);
    expect(await next.release()).toBe(true);
  });

  it('fencing tokens strictly increase across holders and processes', async () => {
    const tokens: number[] = [];
    for (let round = 0; round < 10; round++) {
      // Eight contenders at once: exactly one wins each round.
      const winners = (await Promise.all(factories.map((locks) => locks.tryAcquire('fenced', { ttl: 5_000 })))).filter(
        (lease): lease is Lock => lease !== null,
      );
      expect(winners).toHaveLength(1);
      const winner = winners[0] as Lock;
      tokens.push(winner.fencingToken);
      await winner.release();
    }
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]).toBeGreaterThan(tokens[i - 1] as number);
  });

  it('extend pushes the Redis expiry to ttl from now', async () => {
    const lease = (await a.tryAcquire('extend', { ttl: 1_000 })) as Lock;
    await lease.extend(60_000);
    const ttl = await r.client.pttl(r.key('lock:{extend}'));
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await lease.release();
  });

  it('withLock aborts the signal when the lease is taken over, and rejects with ERR_CACHE_LOCK_LOST', async () => {
    const outcome = a
      .withLock(
        'stolen',
        async (signal) => {
          // Someone removes the lease by hand and another process takes the lock.
          await r.client.del(r.key('lock:{stolen}'));
          const thief = await b.tryAcquire('stolen', { ttl: 5_000 });
          expect(thief).not.toBeNull();
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
          expect(signal.reason).toMatchObject({ code: 'ERR_CACHE_LOCK_LOST' });
          await thief?.release();
        },
        { ttl: 200 },
      )
      .catch((error: unknown) => error);
    expect(await outcome).toMatchObject({ code: 'ERR_CACHE_LOCK_LOST' });
  });

  it('a Redis that is down fails acquire with a typed ERR_CACHE_STORE_UNAVAILABLE (503) carrying the cause', async () => {
    const client = new Redis(await freePort(), { enableOfflineQueue: false, lazyConnect: true });
    client.on('error', () => {});
    try {
      const locks = createLocker({ store: redisLockStore({ client }) });
      const error = await locks.tryAcquire('down').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_CACHE_STORE_UNAVAILABLE', status: 503 });
      expect((error as Error).cause).toBeInstanceOf(Error);
    } finally {
      client.disconnect();
    }
  });
});
