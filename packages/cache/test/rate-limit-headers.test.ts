import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { createRateLimiter, type RateLimitResult, rateLimitHeaders } from '../src/index.ts';

const T0 = 1_700_006_400_000;

describe('rateLimitHeaders', () => {
  it('lists every rule as a policy and its state, in the structured-field form of the IETF draft', async () => {
    const clock = createTestClock(T0 + 400);
    const limiter = createRateLimiter({
      clock,
      limits: [
        { algorithm: 'fixed-window', limit: 5, window: '1s', name: 'burst' },
        { algorithm: 'fixed-window', limit: 100, window: '1h', name: 'hourly' },
      ],
    });
    const result = await limiter.consume('ip:1', { cost: 2 });
    expect(rateLimitHeaders(result)).toEqual({
      'RateLimit-Policy': '"burst";q=5;w=1, "hourly";q=100;w=3600',
      RateLimit: '"burst";r=3;t=1, "hourly";r=98;t=3600',
    });
    clock.set(T0 + 600);
    await limiter.consume('ip:1', { cost: 3 });
    const rejected = await limiter.consume('ip:1');
    expect(rateLimitHeaders(rejected)).toEqual({
      'RateLimit-Policy': '"burst";q=5;w=1, "hourly";q=100;w=3600',
      RateLimit: '"burst";r=0;t=1, "hourly";r=95;t=3600',
      'Retry-After': '1',
    });
  });

  it('rounds Retry-After up to whole seconds and never below 1', () => {
    const base: RateLimitResult = {
      allowed: false,
      limit: 1,
      remaining: 0,
      resetAt: T0 + 1,
      retryAfterMs: 1,
      decidedAt: T0,
      reason: 'fail-closed',
      rules: [],
    };
    expect(rateLimitHeaders(base)).toEqual({ 'Retry-After': '1' });
    expect(rateLimitHeaders({ ...base, retryAfterMs: 1001 })).toEqual({ 'Retry-After': '2' });
    expect(rateLimitHeaders({ ...base, allowed: true, retryAfterMs: 0, reason: 'fail-open' })).toEqual({});
  });

  it('shows a blocked key as having nothing left until the block ends', async () => {
    const limiter = createRateLimiter({
      clock: createTestClock(T0),
      block: '15m',
      limits: { algorithm: 'fixed-window', limit: 1, window: '15m', name: 'login' },
    });
    await limiter.consume('user:1');
    await limiter.consume('user:1');
    const blocked = await limiter.consume('user:1');
    expect(blocked.reason).toBe('blocked');
    expect(rateLimitHeaders(blocked)).toMatchObject({ RateLimit: '"login";r=0;t=900', 'Retry-After': '900' });
  });
});
