/**
 * The cache on a real 3-master Redis Cluster (an ioredis `Cluster` client): the same conformance suite as
 * on one node, entries spread over every master, and one round trip per slot group on reads.
 */
import { redisBus, redisStore } from '@infra/cache/redis';
import { redisCluster } from '@infra/testkit';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createCache } from '../src/index.ts';
import { keySlot } from '../src/redis/cluster.ts';
import { cacheConformance } from './cache-conformance.ts';

const c = await redisCluster({ tag: 'cache_cluster' });

cacheConformance('cluster', c);

describe('redisStore on a 3-master cluster', () => {
  it('1,000 keys written through the cache land on all three masters', async () => {
    const prefix = c.key('spread:');
    const cache = createCache({ l2: redisStore({ client: c.client, prefix }) });
    await cache.setMany(Array.from({ length: 1000 }, (_, i) => ({ key: `user:${i}`, value: { id: i } })));
    const counts = await c.keysPerMaster(`${prefix}user:*`);
    expect(Object.keys(counts)).toHaveLength(3);
    expect(Object.values(counts).reduce((a, b) => a + b)).toBe(1000);
    // An even spread is 333 each; anything above 250 shows the keys hash on their own.
    for (const count of Object.values(counts)) expect(count).toBeGreaterThan(250);
    expect(await cache.getMany(['user:0', 'user:999'])).toEqual([{ id: 0 }, { id: 999 }]);
    await cache.close();
  });

  it('keeps the version counters of a store in one slot, so a multi-counter bump is one atomic script', async () => {
    const prefix = c.key('counters:');
    const cache = createCache({ l2: redisStore({ client: c.client, prefix }) });
    await cache.namespace('a').set('k', 1, { tags: ['x', 'y'] });
    await cache.namespace('a').deleteByTag(['x', 'y']);
    await cache.namespace('b').clear();
    const keys = (await Promise.all(c.client.nodes('master').map((node) => node.keys(`${prefix}__cache:*`)))).flat();
    expect(keys.length).toBeGreaterThanOrEqual(3);
    expect(new Set(keys.map(keySlot)).size).toBe(1);
    await cache.close();
  });

  it('reads a getMany in one MGET per slot plus one for the counters, sent together', async () => {
    const prefix = c.key('groups:');
    const sent: string[][] = [];
    const client = c.client;
    const recording = Object.assign(Object.create(client) as typeof client, {
      call(command: string, ...args: (string | number)[]) {
        sent.push([command, ...args.map(String)]);
        return client.call(command, ...args);
      },
    });
    const cache = createCache({ l1: false, l2: redisStore({ client: recording, prefix }) });
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
    await cache.setMany(keys.map((key) => ({ key, value: key })));
    sent.length = 0;
    expect(await cache.getMany(keys)).toEqual(keys);
    const slots = new Set(keys.map((key) => keySlot(prefix + key)));
    expect(sent.every(([command]) => command === 'MGET')).toBe(true);
    expect(sent).toHaveLength(slots.size + 1);
    await cache.close();
  });

  it('rejects a bus whose subscriber is a plain connection to one node of a Cluster publisher', async () => {
    const oneNode = new Redis(c.urls[0] as string, { lazyConnect: true });
    expect(() => redisBus({ publisher: c.client, subscriber: oneNode })).toThrow(
      expect.objectContaining({
        code: 'ERR_CACHE_INVALID_OPTION',
        message: expect.stringMatching(
          /"subscriber": must be a Cluster when the publisher is one \(cluster\.duplicate\(\)\)/,
        ),
      }),
    );
    const subscriber = await c.connect();
    expect(redisBus({ publisher: c.client, subscriber }).kind).toBe('redis');
  });
});
