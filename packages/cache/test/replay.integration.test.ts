/**
 * Invalidations lost in a Redis blip too short to open the circuit breaker (issue 11, defect 5). The test
 * has a Redis of its own: it kills the cache's connection (`CLIENT KILL`) and holds the server paused
 * (SIGSTOP: `CLIENT PAUSE` would also hold the connection that must end it) so the reconnection cannot
 * finish, then lets it go. The test clock decides when the cache's L2 timeout passes.
 */
import { once } from 'node:events';
import { redisStore } from '@infra/cache/redis';
import { redisServer } from '@infra/testkit';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { createCache } from '../src/index.ts';

/** A throwaway Redis, an admin connection to it, and the cache's own client (fail-fast settings). */
async function blippable(offlineQueue: boolean) {
  const server = await redisServer();
  const admin = new Redis(server.url);
  const client = new Redis(server.url, {
    enableOfflineQueue: offlineQueue,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 20,
  });
  client.on('error', () => {});
  await Promise.all([once(admin, 'ready'), once(client, 'ready')]);
  return {
    admin,
    client,
    /** Kills every connection but the admin's and pauses Redis: the client reconnects but cannot get ready. */
    async cut() {
      const closed = once(client, 'close');
      const reconnected = once(client, 'connect');
      await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      server.freeze();
      await closed;
      await reconnected;
    },
    /** Ends the pause; resolves once the client is ready again. */
    async mend() {
      const ready = once(client, 'ready');
      server.thaw();
      await ready;
    },
    close() {
      client.disconnect();
      admin.disconnect();
    },
  };
}

describe.each([
  ['with the offline queue off', false],
  ['with the offline queue on', true],
])('a delete during a blip shorter than the breaker threshold (%s)', (_name, offlineQueue) => {
  it('is replayed once Redis is usable again: the old value comes back neither here nor on a fresh instance', async () => {
    const redis = await blippable(offlineQueue);
    const clock = createTestClock();
    const prefix = 'blip:';
    const cache = createCache({
      l2: redisStore({ client: redis.client, prefix }),
      clock,
      ttl: '1h',
      timeouts: { l2: 200 },
      circuitBreaker: { threshold: 3 },
    });
    try {
      await cache.set('k', 'old');
      await redis.cut();
      const deleting = cache.delete('k');
      await clock.advanceAsync(200);
      expect(await deleting).toBe(true);
      // One failure: the breaker stayed closed, and the delete waits to be replayed.
      expect(cache.stats()).toMatchObject({ degraded: false, l2: { circuit: 'closed', pendingInvalidations: 1 } });

      await redis.mend();
      expect(await cache.get('k')).toBeUndefined();
      expect(cache.stats().l2?.pendingInvalidations).toBe(0);
      const fresh = createCache({ l2: redisStore({ client: redis.admin, prefix }) });
      expect(await fresh.get('k')).toBeUndefined();
      expect(await redis.admin.exists(`${prefix}k`)).toBe(0);
      await fresh.close();
    } finally {
      await cache.close();
      redis.close();
    }
  });
});

describe('a tag invalidation during a blip', () => {
  it('is replayed before the next read, so the tagged value is not served from Redis', async () => {
    const redis = await blippable(false);
    const clock = createTestClock();
    const prefix = 'blip-tag:';
    const cache = createCache({
      l1: false,
      l2: redisStore({ client: redis.client, prefix }),
      clock,
      ttl: '1h',
      timeouts: { l2: 200 },
    });
    try {
      await cache.set('k', 'old', { tags: ['team'] });
      await redis.cut();
      const invalidating = cache.deleteByTag(['team']);
      await clock.advanceAsync(200);
      await invalidating;
      await redis.mend();
      expect(await cache.get('k')).toBeUndefined();
      const fresh = createCache({ l1: false, l2: redisStore({ client: redis.admin, prefix }) });
      expect(await fresh.get('k')).toBeUndefined();
      await fresh.close();
    } finally {
      await cache.close();
      redis.close();
    }
  });

  it('lands without any further call: the retry timer replays it once Redis answers', async () => {
    const redis = await blippable(false);
    const clock = createTestClock();
    const prefix = 'blip-idle:';
    // No connection events from this client wrapper: only the retry timer can find Redis back.
    const { client } = redis;
    const quiet = {
      call: client.call.bind(client),
      evalsha: client.evalsha.bind(client),
      eval: client.eval.bind(client),
    };
    const cache = createCache({
      l2: redisStore({ client: quiet, prefix }),
      clock,
      ttl: '1h',
      timeouts: { l2: 200 },
      circuitBreaker: { threshold: 3, openFor: '1s' },
    });
    try {
      await cache.set('k', 'old');
      await redis.cut();
      const deleting = cache.delete('k');
      await clock.advanceAsync(200);
      await deleting;
      await redis.mend();
      expect(await redis.admin.exists(`${prefix}k`)).toBe(1);
      await clock.advanceAsync(1000);
      await cache.close(); // waits for the replay in flight
      expect(await redis.admin.exists(`${prefix}k`)).toBe(0);
    } finally {
      await cache.close();
      redis.close();
    }
  });
});
