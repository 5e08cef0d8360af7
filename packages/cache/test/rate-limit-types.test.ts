import { describe, expectTypeOf, it } from 'vitest';
import {
  createLock,
  createRateLimiter,
  type LockHandle,
  type RateLimitHeaders,
  type RateLimitReason,
  type RateLimitResult,
  type RateLimitRule,
  rateLimitHeaders,
} from '../src/index.ts';

describe('public types of the rate limiter and the lock', () => {
  it('rules are a union discriminated by algorithm, each with its own fields', () => {
    expectTypeOf<{ algorithm: 'token-bucket'; limit: 10; interval: '1s' }>().toExtend<RateLimitRule>();
    expectTypeOf<{ algorithm: 'gcra'; limit: 10; window: '1s'; burst: 3 }>().toExtend<RateLimitRule>();
    // A token bucket needs its interval, not a window.
    expectTypeOf<{ algorithm: 'token-bucket'; limit: 10; window: '1s' }>().not.toExtend<RateLimitRule>();
  });

  it('consume answers a RateLimitResult whose reason is a closed set', () => {
    const limiter = createRateLimiter({ limits: { algorithm: 'fixed-window', limit: 1, window: 1000 } });
    expectTypeOf(limiter.consume('k')).resolves.toEqualTypeOf<RateLimitResult>();
    expectTypeOf<RateLimitResult['reason']>().toEqualTypeOf<RateLimitReason>();
    expectTypeOf<'insurance'>().toExtend<RateLimitReason>();
    expectTypeOf(rateLimitHeaders).returns.toEqualTypeOf<RateLimitHeaders>();
  });

  it('withLock returns what fn returns and hands it a signal and the lease', () => {
    const locks = createLock();
    const result = locks.withLock('k', (signal, lease) => {
      expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
      expectTypeOf(lease).toEqualTypeOf<LockHandle>();
      return 42 as const;
    });
    expectTypeOf(result).resolves.toEqualTypeOf<42>();
    expectTypeOf(locks.tryAcquire('k')).resolves.toEqualTypeOf<LockHandle | null>();
    expectTypeOf<LockHandle['fencingToken']>().toEqualTypeOf<number>();
  });
});
