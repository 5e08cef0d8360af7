/**
 * The rate-limit store conformance suite: the same window-boundary cases, with a controlled clock, for
 * every store. The memory store runs it in `rate-limit-memory.test.ts`, the Redis store (with
 * `time: 'client'`, so the test drives the clock) in `rate-limit-redis.integration.test.ts`.
 */
import { describe, expect, it } from 'vitest';
import { createTestClock, type TestClock } from '../../../internal/src/test-clock.ts';
import { createRateLimiter, type RateLimitRule, type RateLimitStore } from '../src/index.ts';

/** A day boundary, so every window used below starts exactly at T0. */
export const T0 = 1_700_006_400_000;

/** The repo's test clock, at {@link T0}. */
export function manualClock(start = T0): TestClock {
  return createTestClock(start);
}

export function rateLimitConformance(name: string, makeStore: () => RateLimitStore, prefix = 'rl:'): void {
  let keys = 0;
  function setup(limits: RateLimitRule | RateLimitRule[], extra: { block?: number } = {}) {
    const clock = manualClock();
    const limiter = createRateLimiter({
      store: makeStore(),
      prefix,
      limits,
      clock,
      onStoreError: 'deny',
      storeTimeout: 5_000,
      ...extra,
    });
    const key = `conformance-${++keys}`;
    const consume = (at: number, cost = 1) => {
      clock.set(at);
      return limiter.consume(key, { cost });
    };
    const peek = (at: number, cost = 1) => {
      clock.set(at);
      return limiter.peek(key, { cost });
    };
    return { limiter, key, consume, peek, clock };
  }

  async function allowedCount(consume: (at: number) => Promise<{ allowed: boolean }>, at: number, times: number) {
    let allowed = 0;
    for (let i = 0; i < times; i++) if ((await consume(at)).allowed) allowed++;
    return allowed;
  }

  describe(`${name}: rate-limit store conformance`, () => {
    it('fixed window: the limit holds until the last millisecond of the window and resets exactly at its end', async () => {
      const { consume } = setup({ algorithm: 'fixed-window', limit: 3, window: 1000 });
      const first = await consume(T0);
      expect(first).toMatchObject({ allowed: true, limit: 3, remaining: 2, resetAt: T0 + 1000, retryAfterMs: 0 });
      expect(first.reason).toBe('within-limit');
      expect(await allowedCount(consume, T0 + 500, 2)).toBe(2);
      expect(await consume(T0 + 500)).toMatchObject({
        allowed: false,
        remaining: 0,
        retryAfterMs: 500,
        reason: 'over-limit',
      });
      expect(await consume(T0 + 999)).toMatchObject({ allowed: false, retryAfterMs: 1 });
      expect(await consume(T0 + 1000)).toMatchObject({ allowed: true, remaining: 2, resetAt: T0 + 2000 });
    });

    it('sliding window: the previous window decays by the millisecond', async () => {
      const { consume } = setup({ algorithm: 'sliding-window', limit: 10, window: 1000 });
      expect(await allowedCount(consume, T0, 10)).toBe(10);
      // current 10 + 1 > 10: only once this window has become the previous one and decayed to 9.
      expect(await consume(T0 + 10)).toMatchObject({ allowed: false, retryAfterMs: 1090 });
      expect(await consume(T0 + 1099)).toMatchObject({ allowed: false, retryAfterMs: 1 });
      expect(await consume(T0 + 1100)).toMatchObject({ allowed: true, remaining: 0, resetAt: T0 + 3000 });
      // Now 10 × 0.9 + 1; one more needs the weight down to 0.8.
      expect(await consume(T0 + 1100)).toMatchObject({ allowed: false, retryAfterMs: 100 });
      expect(await consume(T0 + 1199)).toMatchObject({ allowed: false, retryAfterMs: 1 });
      expect(await consume(T0 + 1200)).toMatchObject({ allowed: true });
      // Two windows later nothing of the old traffic counts.
      expect(await consume(T0 + 3000)).toMatchObject({ allowed: true, remaining: 9 });
    });

    it('token bucket: tokens come back in whole refill steps at the exact interval', async () => {
      const { consume, peek } = setup({ algorithm: 'token-bucket', limit: 5, refill: 1, interval: 100 });
      expect(await allowedCount(consume, T0, 5)).toBe(5);
      expect(await consume(T0)).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 100 });
      expect(await consume(T0 + 99)).toMatchObject({ allowed: false, retryAfterMs: 1 });
      expect(await consume(T0 + 100)).toMatchObject({ allowed: true, remaining: 0, resetAt: T0 + 600 });
      expect(await consume(T0 + 150)).toMatchObject({ allowed: false, retryAfterMs: 50 });
      expect(await peek(T0 + 350)).toMatchObject({ allowed: true, remaining: 2 });
      expect(await peek(T0 + 700)).toMatchObject({ allowed: true, remaining: 5 });
      expect(await consume(T0 + 700, 3)).toMatchObject({ allowed: true, remaining: 2 });
    });

    it('gcra: requests are spaced by window / limit, exactly, even when that is not a whole millisecond', async () => {
      const { consume } = setup({ algorithm: 'gcra', limit: 3, window: 1000 });
      expect(await allowedCount(consume, T0, 3)).toBe(3);
      expect(await consume(T0)).toMatchObject({ allowed: false, retryAfterMs: 334 });
      expect(await consume(T0 + 333)).toMatchObject({ allowed: false, retryAfterMs: 1 });
      expect(await consume(T0 + 334)).toMatchObject({ allowed: true, remaining: 0 });
      // 1000/3 + 1000/3 = 666.67 ms after T0 the next one fits.
      expect(await consume(T0 + 666)).toMatchObject({ allowed: false, retryAfterMs: 1 });
      expect(await consume(T0 + 667)).toMatchObject({ allowed: true });
      expect(await consume(T0 + 2000)).toMatchObject({ allowed: true, remaining: 2, resetAt: T0 + 2334 });
    });

    it('gcra with a burst: the burst passes at once, then the rate', async () => {
      const { consume } = setup({ algorithm: 'gcra', limit: 10, window: 1000, burst: 2 });
      expect(await allowedCount(consume, T0, 3)).toBe(2);
      expect(await consume(T0 + 99)).toMatchObject({ allowed: false, retryAfterMs: 1, limit: 2 });
      expect(await consume(T0 + 100)).toMatchObject({ allowed: true });
    });

    it('several rules are checked atomically: a rejection by one consumes nothing on the others', async () => {
      const { consume, peek } = setup([
        { algorithm: 'fixed-window', limit: 2, window: 1000, name: 'second' },
        { algorithm: 'fixed-window', limit: 3, window: 3_600_000, name: 'hour' },
      ]);
      expect(await allowedCount(consume, T0, 2)).toBe(2);
      const rejected = await consume(T0 + 1);
      expect(rejected).toMatchObject({ allowed: false, limit: 2, retryAfterMs: 999 });
      expect(rejected.rules.map((rule) => [rule.name, rule.allowed, rule.remaining])).toEqual([
        ['second', false, 0],
        ['hour', true, 1],
      ]);
      expect((await peek(T0 + 2)).rules[1]?.remaining).toBe(1);
      expect(await consume(T0 + 1000)).toMatchObject({ allowed: true, limit: 3, remaining: 0 });
      const byHour = await consume(T0 + 1001);
      expect(byHour).toMatchObject({ allowed: false, limit: 3, retryAfterMs: 3_600_000 - 1001 });
      expect(byHour.rules[0]).toMatchObject({ name: 'second', allowed: true, remaining: 1 });
    });

    it('a rejected request with a cost consumes nothing', async () => {
      const { consume } = setup({ algorithm: 'sliding-window', limit: 10, window: 60_000 });
      expect(await consume(T0, 7)).toMatchObject({ allowed: true, remaining: 3 });
      expect(await consume(T0, 5)).toMatchObject({ allowed: false, remaining: 3 });
      expect(await consume(T0, 3)).toMatchObject({ allowed: true, remaining: 0 });
    });

    it('block: a rejection blocks the key for the block duration, then it is free again', async () => {
      const { consume } = setup({ algorithm: 'fixed-window', limit: 2, window: 1000 }, { block: 5000 });
      expect(await allowedCount(consume, T0, 2)).toBe(2);
      expect(await consume(T0 + 10)).toMatchObject({ allowed: false, reason: 'over-limit', retryAfterMs: 5000 });
      // Still over the limit, but what decides now is the block.
      expect(await consume(T0 + 20)).toMatchObject({ allowed: false, reason: 'blocked', retryAfterMs: 4990 });
      expect(await consume(T0 + 1010)).toMatchObject({
        allowed: false,
        reason: 'blocked',
        retryAfterMs: 4000,
        remaining: 0,
      });
      expect(await consume(T0 + 5009)).toMatchObject({ allowed: false, reason: 'blocked', retryAfterMs: 1 });
      expect(await consume(T0 + 5010)).toMatchObject({ allowed: true, reason: 'within-limit' });
    });

    it('peek consumes nothing; reset forgets counters and blocks; block() blocks by hand', async () => {
      const { limiter, key, consume, peek, clock } = setup({ algorithm: 'fixed-window', limit: 2, window: 1000 });
      expect(await peek(T0)).toMatchObject({ allowed: true, remaining: 2 });
      expect(await peek(T0)).toMatchObject({ allowed: true, remaining: 2 });
      await consume(T0);
      await consume(T0);
      expect(await peek(T0)).toMatchObject({ allowed: false, remaining: 0 });
      await limiter.reset(key);
      expect(await consume(T0)).toMatchObject({ allowed: true, remaining: 1 });
      clock.set(T0 + 1);
      await limiter.block(key, '10s');
      expect(await consume(T0 + 9_000)).toMatchObject({ allowed: false, reason: 'blocked', retryAfterMs: 1001 });
      expect(await consume(T0 + 10_001)).toMatchObject({ allowed: true });
    });
  });
}
