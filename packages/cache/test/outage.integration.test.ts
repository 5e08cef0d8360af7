/**
 * Kills the cache's Redis mid-run. This file starts its own throwaway redis-server on a spare port
 * (the shared one is left alone), stops it with SIGKILL, pauses it, and starts it again.
 */
import { performance } from 'node:perf_hooks';
import { redisBus, redisStore } from '@infra/cache/redis';
import { redisServer } from '@infra/testkit';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createCache } from '../src/index.ts';
import { eventually } from './cache-helpers.ts';

/** Runs `call`, failing the test if it throws or takes longer than `limitMs`. */
async function bounded<T>(what: string, call: () => Promise<T>, limitMs = 1000): Promise<T> {
  const started = performance.now();
  const result = await call();
  const took = performance.now() - started;
  expect(took, `${what} took ${took.toFixed(0)} ms`).toBeLessThan(limitMs);
  return result;
}

describe('Redis outage', () => {
  it('keeps answering from L1, stale values and factories while Redis is dead or frozen, and recovers by itself', async () => {
    const redisProcess = await redisServer();
    const { port } = redisProcess;
    const options = { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => 50, lazyConnect: true };
    const client = new Redis(port, '127.0.0.1', options);
    const subscriber = new Redis(port, '127.0.0.1', { ...options, enableOfflineQueue: true });
    // Connection errors are expected here; the cache reports through its events and stats.
    for (const c of [client, subscriber]) c.on('error', () => {});
    await Promise.all([client.connect(), subscriber.connect()]);
    const events: string[] = [];
    const cache = createCache({
      l2: redisStore({ client, prefix: 'outage:' }),
      bus: redisBus({ publisher: client, subscriber }),
      timeouts: { l2: 200 },
      circuitBreaker: { threshold: 2, openFor: 300 },
      ttl: '1h',
    });
    cache.on('degraded', () => events.push('degraded'));
    cache.on('recovered', () => events.push('recovered'));
    try {
      await cache.ready();
      await cache.set('fresh', 'from before');
      await cache.set('stale', 'old', { ttl: 50, grace: '1h' });
      await new Promise((resolve) => setTimeout(resolve, 60)); // let 'stale' expire into its grace period

      await redisProcess.kill();
      let factoryCalls = 0;
      const factory = async (): Promise<string> => {
        factoryCalls++;
        return 'from the factory';
      };
      // Several rounds: the first calls find Redis dead, later ones find the circuit open.
      for (let round = 0; round < 5; round++) {
        expect(await bounded('getOrSet fresh', () => cache.getOrSet('fresh', factory))).toBe('from before');
        expect(await bounded('getOrSet stale', () => cache.getOrSet('stale', factory, { ttl: 50 }))).toMatch(
          /old|from the factory/,
        );
        expect(await bounded('getOrSet miss', () => cache.getOrSet(`miss${round}`, factory))).toBe('from the factory');
        await bounded('set', () => cache.set(`written${round}`, round));
        expect(await bounded('get', () => cache.get(`written${round}`))).toBe(round);
        await bounded('getMany', () => cache.getMany(['fresh', 'nothing']));
        await bounded('has', () => cache.has('fresh'));
        await bounded('delete', () => cache.delete('nothing'));
        await bounded('deleteByTag', () => cache.deleteByTag(['t']));
        await bounded('expire', () => cache.expire('nothing'));
      }
      expect(factoryCalls).toBeGreaterThanOrEqual(5);
      expect(events).toEqual(['degraded']);
      expect(cache.stats()).toMatchObject({ degraded: true, l2: { circuit: expect.stringMatching(/open|half-open/) } });
      expect(cache.stats().l2?.pendingInvalidations).toBeGreaterThan(0);

      await redisProcess.restart();
      // Calls keep flowing; one of them is the probe that finds Redis back.
      await eventually(async () => {
        await bounded('get during recovery', () => cache.get('fresh'));
        return events.includes('recovered');
      }, 10_000);
      expect(events).toEqual(['degraded', 'recovered']);
      await eventually(() => cache.stats().l2?.pendingInvalidations === 0);
      await cache.set('after', 'back');
      expect(await client.exists('outage:after')).toBe(1);
      expect(cache.stats().degraded).toBe(false);
      // The subscriber reconnected too, so the L1 was dropped to resync.
      await eventually(() => (cache.stats().bus?.resyncs ?? 0) >= 1, 5000);

      // A frozen Redis (connected, but answering nothing): every call still returns within its timeout.
      await client.call('CLIENT', 'PAUSE', '1500', 'ALL');
      expect(await bounded('getOrSet while paused', () => cache.getOrSet('paused', factory), 800)).toBe(
        'from the factory',
      );
      await bounded('set while paused', () => cache.set('paused2', 1), 800);
    } finally {
      await cache.close();
      client.disconnect();
      subscriber.disconnect();
    }
  });
});
