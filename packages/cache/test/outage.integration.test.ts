/**
 * Kills the cache's Redis mid-run. This file starts its own throwaway redis-server on a spare port
 * (the shared one is left alone), stops it with SIGKILL, starts it again, and pauses it. The cache runs on
 * the test clock: "every call returns within its timeout" means each call has settled once one L2 timeout
 * has passed on that clock, and nothing waits on real time but Redis itself.
 */
import { once } from 'node:events';
import { redisBus, redisStore } from '@infra/cache/redis';
import { redisServer } from '@infra/testkit';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { createCache } from '../src/index.ts';

const l2Timeout = 200;

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
    const clock = createTestClock();
    const events: string[] = [];
    const cache = createCache({
      l2: redisStore({ client, prefix: 'outage:' }),
      bus: redisBus({ publisher: client, subscriber }),
      clock,
      timeouts: { l2: l2Timeout },
      circuitBreaker: { threshold: 2, openFor: 300 },
      ttl: '1h',
    });
    cache.on('degraded', () => events.push('degraded'));
    cache.on('recovered', () => events.push('recovered'));

    /** Runs `call`, lets one L2 timeout pass on the clock, and fails unless the call has settled by then. */
    async function withinTimeout<T>(what: string, call: () => Promise<T>): Promise<T> {
      let settled = false;
      const result = call().finally(() => {
        settled = true;
      });
      await clock.advanceAsync(l2Timeout);
      expect(settled, `${what} settled within timeouts.l2`).toBe(true);
      return result;
    }

    try {
      expect(await cache.ready()).toMatchObject({ ready: true });
      await cache.set('fresh', 'from before');
      await cache.set('stale', 'old', { ttl: 50, grace: '1h' });
      clock.advance(60); // 'stale' is now in its grace period

      const closed = Promise.all([once(client, 'close'), once(subscriber, 'close')]);
      await redisProcess.kill();
      await closed;
      let factoryCalls = 0;
      const factory = async (): Promise<string> => {
        factoryCalls++;
        return 'from the factory';
      };
      // Several rounds: the first calls find Redis dead (each waits for the connection up to the timeout),
      // later ones find the circuit open or probing.
      for (let round = 0; round < 5; round++) {
        expect(await withinTimeout('getOrSet fresh', () => cache.getOrSet('fresh', factory))).toBe('from before');
        // Round 0 serves the stale value and refreshes it in the background; later rounds get the refresh.
        expect(await withinTimeout('getOrSet stale', () => cache.getOrSet('stale', factory, { ttl: 50 }))).toBe(
          round === 0 ? 'old' : 'from the factory',
        );
        expect(await withinTimeout('getOrSet miss', () => cache.getOrSet(`miss${round}`, factory))).toBe(
          'from the factory',
        );
        await withinTimeout('set', () => cache.set(`written${round}`, round));
        expect(await withinTimeout('get', () => cache.get(`written${round}`))).toBe(round);
        expect(await withinTimeout('getMany', () => cache.getMany(['fresh', 'nothing']))).toEqual([
          'from before',
          undefined,
        ]);
        expect(await withinTimeout('has', () => cache.has('fresh'))).toBe(true);
        expect(await withinTimeout('delete', () => cache.delete('nothing'))).toBe(false);
        await withinTimeout('deleteByTag', () => cache.deleteByTag(['t']));
        expect(await withinTimeout('expire', () => cache.expire('nothing'))).toBe(false);
      }
      expect(factoryCalls).toBe(10); // one refresh of 'stale' per round, plus one miss per round
      expect(events).toEqual(['degraded']);
      expect(cache.stats().degraded).toBe(true);
      expect(cache.stats().l2?.pendingInvalidations).toBeGreaterThan(0);

      const ready = Promise.all([once(client, 'ready'), once(subscriber, 'ready')]);
      await redisProcess.restart();
      await ready;
      // The subscriber reconnected, so the L1 was dropped to resync (messages sent meanwhile are lost).
      expect(cache.stats().bus?.resyncs).toBe(1);
      // The retry timer's probe finds Redis back; the read waits for the replay of the backlog.
      await clock.advanceAsync(300);
      expect(await cache.get('fresh')).toBeUndefined(); // the L1 copy went with the resync; Redis restarted empty
      expect(events).toEqual(['degraded', 'recovered']);
      expect(cache.stats()).toMatchObject({ degraded: false, l2: { circuit: 'closed', pendingInvalidations: 0 } });
      await cache.set('after', 'back');
      expect(await client.exists('outage:after')).toBe(1);

      // A frozen Redis (connected, but answering nothing): every call still returns within its timeout.
      await client.call('CLIENT', 'PAUSE', '1500', 'ALL');
      expect(await withinTimeout('getOrSet while paused', () => cache.getOrSet('paused', factory))).toBe(
        'from the factory',
      );
      await withinTimeout('set while paused', () => cache.set('paused2', 1));
    } finally {
      // close() waits for L2 calls in flight, which end at their timeout on the clock.
      await withinTimeoutOrClose();
      client.disconnect();
      subscriber.disconnect();
    }

    async function withinTimeoutOrClose(): Promise<void> {
      const closing = cache.close();
      await clock.advanceAsync(l2Timeout);
      await closing;
    }
  });
});
