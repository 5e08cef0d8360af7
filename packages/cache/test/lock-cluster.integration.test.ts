/**
 * The Redis lock store on a real 3-master Redis Cluster (an ioredis `Cluster` client per "process"):
 * no lost update under contention, fencing tokens that only grow, and locks spread over every master.
 */
import { type MasterAddress, redisCluster } from '@infra/testkit';
import { describe, expect, it } from 'vitest';
import { createLocker, type Lock } from '../src/index.ts';
import { redisLockStore } from '../src/redis/index.ts';

const c = await redisCluster({ tag: 'lock_cluster' });
const connections = await Promise.all(Array.from({ length: 8 }, () => c.connect()));
const prefix = c.key('lock:');
// One locker per Cluster client, as in eight processes sharing one cluster.
const lockers = connections.map((client) => createLocker({ store: redisLockStore({ client }), prefix, ttl: 2_000 }));

/** A lock name for each master: the first `<tag>-0, <tag>-1, …` whose lease it serves. */
function namesOnEachMaster(tag: string): string[] {
  const found = new Map<MasterAddress, string>();
  for (let i = 0; found.size < 3; i++) {
    const master = c.masterOf(`${prefix}{${tag}-${i}}`);
    if (!found.has(master)) found.set(master, `${tag}-${i}`);
  }
  return [...found.values()];
}

describe('redisLockStore on a 3-master cluster', () => {
  it('rejects hashTags: false and a prefix with a hash tag at construction, saying what to change', () => {
    expect(() => redisLockStore({ client: c.client, hashTags: false })).toThrow(
      expect.objectContaining({
        code: 'ERR_CACHE_INVALID_OPTION',
        message: expect.stringMatching(/"hashTags": must be true on a Redis Cluster/),
      }),
    );
    expect(() => createLocker({ store: redisLockStore({ client: c.client }), prefix: '{locks}:' })).toThrow(
      expect.objectContaining({
        code: 'ERR_CACHE_INVALID_OPTION',
        message: expect.stringMatching(/"prefix".*use e\.g\. 'locks:'/),
      }),
    );
  });

  it('8 workers doing read-modify-write under withLock lose no update, on a lock on each master', async () => {
    const names = namesOnEachMaster('counter');
    const perWorker = 25;
    await Promise.all(names.map((name) => c.client.set(c.key(name), '0')));
    await Promise.all(
      names.flatMap((name) =>
        connections.map(async (client, worker) => {
          for (let i = 0; i < perWorker; i++) {
            await lockers[worker]?.withLock(
              name,
              async () => {
                const value = Number(await client.get(c.key(name)));
                // Yield between read and write, where an unlocked read-modify-write loses updates.
                await new Promise((resolve) => setImmediate(resolve));
                await client.set(c.key(name), String(value + 1));
              },
              { retry: { attempts: 10_000, delay: 1, jitter: 3 } },
            );
          }
        }),
      ),
    );
    const totals = await Promise.all(names.map(async (name) => Number(await c.client.get(c.key(name)))));
    expect(totals).toEqual(names.map(() => connections.length * perWorker));
  });

  it('control: the same workload without the lock does lose updates', async () => {
    const counter = c.key('unlocked-counter');
    await c.client.set(counter, '0');
    await Promise.all(
      connections.map(async (client) => {
        for (let i = 0; i < 25; i++) {
          const value = Number(await client.get(counter));
          await new Promise((resolve) => setImmediate(resolve));
          await client.set(counter, String(value + 1));
        }
      }),
    );
    expect(Number(await c.client.get(counter))).toBeLessThan(connections.length * 25);
  });

  it('fencing tokens strictly increase across holders and clients, on every master', async () => {
    for (const name of namesOnEachMaster('fenced')) {
      const tokens: number[] = [];
      for (let round = 0; round < 10; round++) {
        // Eight contenders at once: exactly one wins each round.
        const winners = (await Promise.all(lockers.map((locker) => locker.tryAcquire(name, { ttl: 5_000 })))).filter(
          (lock): lock is Lock => lock !== null,
        );
        expect(winners).toHaveLength(1);
        const winner = winners[0] as Lock;
        tokens.push(winner.fencingToken);
        await winner.release();
      }
      for (let i = 1; i < tokens.length; i++) expect(tokens[i]).toBeGreaterThan(tokens[i - 1] as number);
    }
  });

  it('spreads locks over every master, each lease next to its fencing counter', async () => {
    const locker = lockers[0];
    const held = await Promise.all(Array.from({ length: 300 }, (_, i) => locker?.acquire(`spread-${i}`)));
    // While held: a lease and a fencing counter per lock, on the same master.
    const counts = await c.keysPerMaster(`${prefix}{spread-*`);
    expect(Object.keys(counts)).toHaveLength(3);
    expect(Object.values(counts).reduce((a, b) => a + b)).toBe(600);
    for (const count of Object.values(counts)) {
      expect(count).toBeGreaterThan(0);
      expect(count % 2).toBe(0);
    }
    expect(await Promise.all(held.map((lock) => lock?.release()))).toEqual(held.map(() => true));
    // Released: only the fencing counters stay, so the next holder's token is still larger.
    const after = await c.keysPerMaster(`${prefix}{spread-*`);
    expect(Object.values(after).reduce((a, b) => a + b)).toBe(300);
  });
});
