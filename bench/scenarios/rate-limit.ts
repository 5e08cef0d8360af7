/**
 * `consume` throughput: @infra/cache's Redis rate limiter vs rate-limiter-flexible's RateLimiterRedis, on
 * the same Redis through one ioredis connection each (both with the client's defaults for pipelining: off),
 * at concurrency 1 and 64. Both sides check a fixed window with a limit high enough that every call is
 * allowed (the common path); keys rotate over 1000 subjects. Ours also runs a sliding window and a two-rule
 * check (one round trip either way), against the same single-rule peer, to show what those cost.
 */
import { createRateLimiter, type RateLimitRule } from '@infra/cache';
import { redisRateLimitStore } from '@infra/cache/redis';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { redisUrl, removeKeys } from '../src/redis.ts';
import { defineScenario } from '../src/scenario.ts';

const prefix = `bench:rl:${process.pid}:`;
const subjects = 1000;

export default defineScenario({
  name: 'rate-limit',
  ours: '@infra/cache',
  peer: 'rate-limiter-flexible',
  description: 'Redis rate limiter consume() ops/s, concurrency 1 and 64',
  async run(bench) {
    const oursClient = new Redis(redisUrl, { enableOfflineQueue: false, lazyConnect: true });
    const peerClient = new Redis(redisUrl, { lazyConnect: true });
    await Promise.all([oursClient.connect(), peerClient.connect()]);
    try {
      const store = redisRateLimitStore({ client: oursClient });
      const limiter = (limits: RateLimitRule | RateLimitRule[], name: string) =>
        createRateLimiter({ store, limits, prefix: `${prefix}ours:${name}:` });
      const peer = new RateLimiterRedis({
        storeClient: peerClient,
        keyPrefix: `${prefix}peer`,
        points: 100_000_000,
        duration: 3600,
      });
      let i = 0;
      const nextKey = () => `user-${i++ % subjects}`;
      const peerConsume = () => peer.consume(nextKey());

      const fixed = limiter({ algorithm: 'fixed-window', limit: 100_000_000, window: '1h' }, 'fw');
      const sliding = limiter({ algorithm: 'sliding-window', limit: 100_000_000, window: '1h' }, 'sw');
      const twoRules = limiter(
        [
          { algorithm: 'sliding-window', limit: 100_000_000, window: '1s' },
          { algorithm: 'sliding-window', limit: 100_000_000, window: '1h' },
        ],
        'two',
      );
      // At concurrency 1 both sides wait on one round trip per call and differ by a few microseconds in
      // ~150, less than the machine drifts between rounds: the calls alternate one by one instead.
      await bench.compareSequential('consume, fixed window (c=1)', {
        ours: () => fixed.consume(nextKey()),
        peer: peerConsume,
      });
      await bench.compare(
        'consume, fixed window (c=64)',
        { ours: () => fixed.consume(nextKey()), peer: peerConsume },
        { concurrency: 64, rounds: 7 },
      );
      await bench.compare(
        'consume, ours sliding window vs peer fixed (c=64)',
        { ours: () => sliding.consume(nextKey()), peer: peerConsume },
        { concurrency: 64 },
      );
      await bench.compare(
        'consume, ours two rules in one call vs peer one rule (c=64)',
        { ours: () => twoRules.consume(nextKey()), peer: peerConsume },
        { concurrency: 64 },
      );
    } finally {
      await removeKeys(oursClient, `${prefix}*`);
      await Promise.all([oursClient.quit(), peerClient.quit()]);
    }
  },
});
