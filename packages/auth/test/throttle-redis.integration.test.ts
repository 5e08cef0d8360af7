/**
 * Two app instances (two Redis connections) sharing one login throttle through `@infra/cache`'s Redis rate-limit
 * store: failures on either count together, the lockout holds on both, a success on one resets both, and the
 * per-network limit holds across accounts.
 */
import { redisRateLimitStore } from '@infra/cache/redis';
import { redis } from '@infra/testkit';
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { createLoginThrottle, type LoginThrottleOptions } from '../src/throttle/index.ts';

const r = await redis({ tag: 'auth_throttle' });
const second = await r.connect();

function instances(name: string, options: LoginThrottleOptions = {}) {
  // Client time, so the test clock decides; Redis still expires the keys.
  const clock = createTestClock(Date.now());
  const make = (client: typeof second) =>
    createLoginThrottle({
      store: redisRateLimitStore({ client, time: 'client' }),
      prefix: r.key(`${name}:`),
      backoff: false,
      clock,
      ...options,
    });
  return { clock, a: make(r.client), b: make(second) };
}

const attempt = { account: 'alice@example.com', ip: '203.0.113.7' };

describe('login throttle on Redis, two instances', () => {
  it('5 failures split over two instances lock the account on both', async () => {
    const { a, b } = instances('lock');
    for (let i = 0; i < 5; i++) await (i % 2 === 0 ? a : b).failure(attempt);
    expect((await a.check(attempt)).allowed).toBe(false);
    expect(await b.check(attempt)).toMatchObject({ allowed: false, retryAfterMs: 3_600_000, limitedBy: 'account' });
  });

  it('the lockout ends after the configured time on both', async () => {
    const { clock, a, b } = instances('unlock', { account: { lockout: '10m' } });
    for (let i = 0; i < 5; i++) await a.failure(attempt);
    clock.advance(10 * 60_000);
    expect((await b.check(attempt)).allowed).toBe(true);
  });

  it('a success on one instance resets the count for both', async () => {
    const { a, b } = instances('reset');
    for (let i = 0; i < 4; i++) await a.failure(attempt);
    await b.success(attempt);
    for (let i = 0; i < 4; i++) await b.failure(attempt);
    expect((await a.check(attempt)).allowed).toBe(true);
  });

  it('20 concurrent failures from both instances lock the account (none lost)', async () => {
    const { a, b } = instances('burst', { account: { limit: 20 } });
    await Promise.all(Array.from({ length: 19 }, (_, i) => (i % 2 === 0 ? a : b).failure(attempt)));
    expect((await a.check(attempt)).allowed).toBe(true);
    await b.failure(attempt);
    expect((await a.check(attempt)).allowed).toBe(false);
  });

  it('the per-network limit holds across 30 accounts and both instances', async () => {
    const { a, b } = instances('net', { ip: { limit: 30 } });
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 === 0 ? a : b).failure({ account: `u${i}@example.com`, ip: attempt.ip }),
      ),
    );
    expect(await a.check({ account: 'fresh@example.com', ip: attempt.ip })).toMatchObject({
      allowed: false,
      limitedBy: 'ip',
    });
    expect((await b.check({ account: 'fresh@example.com', ip: '198.51.100.1' })).allowed).toBe(true);
  });
});
