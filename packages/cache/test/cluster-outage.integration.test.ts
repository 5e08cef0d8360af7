/**
 * Kills one master of a throwaway 3-master Redis Cluster (`redisClusterServer`, started and stopped by this
 * file) while a cache and a rate limiter use it. The cache and the limiter run on the test clock: "no call
 * hangs" means each call has settled once its timeout has passed on that clock, and "without waiting" means
 * it settled with the clock not moved at all. Real time passes only where Redis itself must act (the kill,
 * the restart, the client finding the node again), and there the test polls for the outcome.
 */
import { redisBus, redisStore } from '@infra/cache/redis';
import { type RedisClusterProcess, redisClusterServer } from '@infra/testkit';
import { describe, expect, it } from 'vitest';
import { createTestClock, type TestClock } from '../../../internal/src/test-clock.ts';
import { createCache, createRateLimiter, type RateLimitResult } from '../src/index.ts';
import { redisRateLimitStore } from '../src/redis/index.ts';
import { eventually, flush } from './cache-helpers.ts';

const l2Timeout = 200;
const storeTimeout = 500;
const openFor = 2000;

/** Starts `call`, lets `ms` pass on the clock, and says whether it settled by then (and with what). */
async function within<T>(clock: TestClock, ms: number, call: Promise<T>): Promise<{ settled: boolean; value?: T }> {
  const outcome: { settled: boolean; value?: T } = { settled: false };
  void call.then((value) => {
    outcome.settled = true;
    outcome.value = value;
  });
  if (ms > 0) await clock.advanceAsync(ms);
  else await flush();
  return outcome;
}

/** The first `<stem><i>` whose slot the master `node` serves (`wrap` shapes the key Redis sees). */
function nameOn(cluster: RedisClusterProcess, node: number, stem: string, wrap: (name: string) => string): string {
  for (let i = 0; ; i++) if (cluster.nodeOf(wrap(`${stem}${i}`)) === node) return `${stem}${i}`;
}

describe('one master of a Redis Cluster killed mid-traffic', () => {
  it('no call hangs, the cache serves L1 and stale values, the limiter skips the dead master after its breaker opens, and everything recovers', async () => {
    const cluster = await redisClusterServer({ requireFullCoverage: false });
    const client = await cluster.connect();
    const subscriber = await cluster.connect();
    // Errors from the dead master are expected; the cache and the limiter report them their own way.
    for (const c of [client, subscriber]) c.on('error', () => {});
    const clock = createTestClock();
    const events: string[] = [];
    const cache = createCache({
      l2: redisStore({ client, prefix: 'c:' }),
      bus: redisBus({ publisher: client, subscriber }),
      clock,
      timeouts: { l2: l2Timeout },
      circuitBreaker: { threshold: 2, openFor: 300 },
      ttl: '1h',
    });
    cache.on('degraded', () => events.push('degraded'));
    cache.on('recovered', () => events.push('recovered'));
    const limiter = createRateLimiter({
      store: redisRateLimitStore({ client }),
      prefix: 'rl:',
      limits: { algorithm: 'fixed-window', limit: 100, window: '1h' },
      storeTimeout,
      clock,
      circuitBreaker: { threshold: 3, openFor },
    });

    const victim = 1;
    const fresh = nameOn(cluster, victim, 'fresh', (name) => `c:${name}`);
    const stale = nameOn(cluster, victim, 'stale', (name) => `c:${name}`);
    const deadSubject = nameOn(cluster, victim, 'user', (name) => `{${name}}`);
    const liveSubject = nameOn(cluster, (victim + 1) % 3, 'user', (name) => `{${name}}`);

    expect(await cache.ready()).toMatchObject({ ready: true });
    await cache.set(fresh, 'from before');
    await cache.set(stale, 'old', { ttl: 50, grace: '1h' });
    clock.advance(60); // `stale` is in its grace period now
    expect(await limiter.consume(deadSubject)).toMatchObject({ reason: 'within-limit' });
    expect(await limiter.consume(liveSubject)).toMatchObject({ reason: 'within-limit' });

    await cluster.nodes[victim]?.kill();

    // The cache: every call for the dead master's keys settles within one L2 timeout, from L1, a stale value
    // or the factory, and the breaker opens (the cache has one breaker for its whole L2).
    let factoryCalls = 0;
    const factory = async (): Promise<string> => {
      factoryCalls++;
      return 'from the factory';
    };
    for (let round = 0; round < 4; round++) {
      const hit = await within(clock, l2Timeout, cache.getOrSet(fresh, factory));
      expect(hit).toEqual({ settled: true, value: 'from before' });
      const graced = await within(clock, l2Timeout, cache.getOrSet(stale, factory, { ttl: 50 }));
      expect(graced).toEqual({ settled: true, value: round === 0 ? 'old' : 'from the factory' });
      const miss = nameOn(cluster, victim, `miss${round}-`, (name) => `c:${name}`);
      const missed = await within(clock, l2Timeout, cache.getOrSet(miss, factory));
      expect(missed).toEqual({ settled: true, value: 'from the factory' });
    }
    expect(cache.stats()).toMatchObject({ degraded: true, l2: { skipped: expect.any(Number) } });
    expect(cache.stats().l2?.skipped).toBeGreaterThan(0);
    expect(events).toEqual(['degraded']);

    // The limiter: three calls for the dead master wait out the store timeout, then its breaker is open.
    for (let i = 0; i < 3; i++) {
      const waited = await within(clock, storeTimeout, limiter.consume(deadSubject));
      expect(waited).toMatchObject({ settled: true, value: { reason: 'insurance' } });
    }
    const skipped = await within(clock, 0, limiter.consume(deadSubject));
    expect(skipped).toMatchObject({ settled: true, value: { allowed: true, reason: 'insurance' } });
    expect((skipped.value as RateLimitResult).error?.message).toMatch(/circuit open/);
    // A subject on a live master is decided by Redis, with the clock not moved.
    expect(await limiter.consume(liveSubject)).toMatchObject({ reason: 'within-limit' });
    const node = `127.0.0.1:${cluster.nodes[victim]?.port}`;
    expect(limiter.stats()).toMatchObject({ skipped: 1, circuits: { [node]: 'open' } });

    await cluster.nodes[victim]?.restart();

    // Everything comes back by itself: the limiter's probe after openFor, the cache's after its openFor.
    await eventually(async () => {
      clock.advance(openFor);
      return (await limiter.consume(deadSubject)).reason === 'within-limit';
    }, 10_000);
    expect(limiter.stats().circuits).toEqual({});
    await eventually(async () => {
      await clock.advanceAsync(300);
      await cache.get(fresh);
      return events.includes('recovered') && cache.stats().l2?.pendingInvalidations === 0;
    }, 10_000);
    expect(cache.stats()).toMatchObject({ degraded: false, l2: { circuit: 'closed' } });
    // The restarted master takes writes again: another instance, without L1, reads them from it.
    await cache.set(fresh, 'after');
    const other = createCache({ l1: false, l2: redisStore({ client, prefix: 'c:' }), clock });
    expect(await other.get(fresh)).toBe('after');
    await other.close();
    expect(factoryCalls).toBeGreaterThan(0);
    await cache.close();
    await limiter.close();
  }, 60_000);
});
