/**
 * createLoginThrottle on the memory rate-limit store and the test clock: lockout after 5 failures, back-off, reset
 * on success, the per-network limit across accounts, IPv6 /64 grouping, Retry-After, and no account identifier in
 * the store's keys.
 */
import { memoryRateLimitStore, type RateLimitStore } from '@infra/cache';
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { createLoginThrottle, type LoginThrottleOptions } from '../src/throttle/index.ts';
import { networkKey } from '../src/throttle/network.ts';

const alice = { account: 'alice@example.com', ip: '203.0.113.7' };

function setup(options: LoginThrottleOptions = {}) {
  const clock = createTestClock(Date.UTC(2026, 0, 1));
  const throttle = createLoginThrottle({ backoff: false, ...options, clock });
  return { clock, throttle };
}

async function fail(throttle: ReturnType<typeof createLoginThrottle>, attempt = alice, times = 1) {
  for (let i = 0; i < times; i++) await throttle.failure(attempt);
}

describe('account lockout', () => {
  it('allows the first attempt', async () => {
    expect((await setup().throttle.check(alice)).allowed).toBe(true);
  });

  it('allows an attempt after 4 failures', async () => {
    const { throttle } = setup();
    await fail(throttle, alice, 4);
    expect((await throttle.check(alice)).allowed).toBe(true);
  });

  it('locks the account for an hour after 5 failures in 15 minutes, with Retry-After: 3600', async () => {
    const { throttle } = setup();
    await fail(throttle, alice, 5);
    expect(await throttle.check(alice)).toEqual({
      allowed: false,
      retryAfterMs: 3_600_000,
      headers: { 'retry-after': '3600' },
      limitedBy: 'account',
    });
  });

  it('lets the account in again when the lockout is over', async () => {
    const { clock, throttle } = setup();
    await fail(throttle, alice, 5);
    clock.advance(3_600_000);
    expect((await throttle.check(alice)).allowed).toBe(true);
  });

  it('locks the account whatever network the failures come from', async () => {
    const { throttle } = setup();
    for (let i = 0; i < 5; i++) await throttle.failure({ account: alice.account, ip: `198.51.100.${i}` });
    expect((await throttle.check({ account: alice.account, ip: '192.0.2.1' })).allowed).toBe(false);
  });

  it('does not lock for 5 failures spread over more than the window', async () => {
    const { clock, throttle } = setup();
    for (let i = 0; i < 5; i++) {
      await throttle.failure(alice);
      clock.advance(8 * 60_000);
    }
    expect((await throttle.check(alice)).allowed).toBe(true);
  });

  it('counts an identifier case-insensitively (Alice@ and alice@ are one account)', async () => {
    const { throttle } = setup();
    await fail(throttle, { ...alice, account: 'Alice@Example.com' }, 5);
    expect((await throttle.check(alice)).allowed).toBe(false);
  });

  it('resets the account on success', async () => {
    const { throttle } = setup();
    await fail(throttle, alice, 4);
    await throttle.success(alice);
    await fail(throttle, alice, 4);
    expect((await throttle.check(alice)).allowed).toBe(true);
  });

  it('assert throws ERR_AUTH_LOGIN_THROTTLED with status 429 and the retry-after header', async () => {
    const { throttle } = setup();
    await fail(throttle, alice, 5);
    await expect(throttle.assert(alice)).rejects.toMatchObject({
      code: 'ERR_AUTH_LOGIN_THROTTLED',
      status: 429,
      headers: { 'retry-after': '3600' },
      retryAfterMs: 3_600_000,
    });
  });
});

describe('back-off', () => {
  it('holds the next attempt back 1 s after the first failure', async () => {
    const { throttle } = setup({ backoff: { base: '1s', max: '1m' } });
    await fail(throttle);
    expect(await throttle.check(alice)).toMatchObject({ allowed: false, retryAfterMs: 1000 });
  });

  it('doubles the delay with each failure: 8 s after the fourth', async () => {
    const { clock, throttle } = setup({ backoff: { base: '1s', max: '1m' } });
    for (const wait of [1000, 2000, 4000]) {
      await fail(throttle);
      clock.advance(wait);
    }
    await fail(throttle);
    expect((await throttle.check(alice)).retryAfterMs).toBe(8000);
  });

  it('caps the delay at max', async () => {
    const { clock, throttle } = setup({ backoff: { base: '1s', max: '3s' }, account: { limit: 10 } });
    for (let i = 0; i < 5; i++) {
      await fail(throttle);
      clock.advance(3000);
    }
    await fail(throttle);
    expect((await throttle.check(alice)).retryAfterMs).toBe(3000);
  });

  it('allows the attempt once the delay has passed', async () => {
    const { clock, throttle } = setup({ backoff: { base: '1s', max: '1m' } });
    await fail(throttle);
    clock.advance(1000);
    expect((await throttle.check(alice)).allowed).toBe(true);
  });
});

describe('per-network limit', () => {
  it('holds across many accounts: 20 failures on 20 accounts lock the network for a 21st', async () => {
    const { throttle } = setup({ ip: { limit: 20 } });
    for (let i = 0; i < 20; i++) await throttle.failure({ account: `user${i}@example.com`, ip: alice.ip });
    const decision = await throttle.check({ account: 'fresh@example.com', ip: alice.ip });
    expect(decision).toMatchObject({ allowed: false, limitedBy: 'ip' });
    // At least the lockout; the sliding window may ask for a little longer.
    expect(decision.retryAfterMs).toBeGreaterThanOrEqual(15 * 60_000);
  });

  it('is not reset by a success (one valid account must not wash the network)', async () => {
    const { throttle } = setup({ ip: { limit: 20 } });
    for (let i = 0; i < 20; i++) await throttle.failure({ account: `user${i}@example.com`, ip: alice.ip });
    await throttle.success({ account: 'user0@example.com', ip: alice.ip });
    expect((await throttle.check({ account: 'fresh@example.com', ip: alice.ip })).allowed).toBe(false);
  });

  it('counts IPv6 addresses by /64: another address of the same /64 is the same network', async () => {
    const { throttle } = setup({ ip: { limit: 3 } });
    for (let i = 1; i <= 3; i++) await throttle.failure({ account: `u${i}`, ip: `2001:db8:1:2::${i}` });
    expect((await throttle.check({ account: 'x', ip: '2001:db8:1:2:ffff::9' })).allowed).toBe(false);
    expect((await throttle.check({ account: 'x', ip: '2001:db8:1:3::1' })).allowed).toBe(true);
  });
});

describe('networkKey', () => {
  it.each([
    ['203.0.113.7', '4:203.0.113.7'],
    ['::ffff:203.0.113.7', '4:203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '6:2001:db8:1:2:0:0:0:0/64'],
    ['2001:db8::1', '6:2001:db8:0:0:0:0:0:0/64'],
    ['[2001:db8:1:2::1]', '6:2001:db8:1:2:0:0:0:0/64'],
    ['fe80::1%eth0', '6:fe80:0:0:0:0:0:0:0/64'],
  ])('%s → %s', (ip, key) => {
    expect(networkKey(ip, 64)).toBe(key);
  });

  it('refuses what is not an address', () => {
    expect(() => networkKey('not-an-ip', 64)).toThrow('Invalid option "ip"');
  });
});

describe('what the throttle reveals', () => {
  it('never puts the account identifier in a store key (it is hashed)', async () => {
    const inner = memoryRateLimitStore();
    const keys: string[] = [];
    const store: RateLimitStore = {
      ...inner,
      evaluate(request) {
        keys.push(request.prefix + request.key);
        return inner.evaluate(request);
      },
      reset: (...args) => inner.reset(...args),
      block: (...args) => inner.block(...args),
    };
    const { throttle } = setup({ store });
    await throttle.failure(alice);
    await throttle.check(alice);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.some((key) => key.toLowerCase().includes('alice'))).toBe(false);
  });

  it('answers an identifier no account has exactly like one that has an account (it never looks accounts up)', async () => {
    const { throttle } = setup();
    await fail(throttle, { account: 'nobody@example.com', ip: '192.0.2.1' }, 5);
    await fail(throttle, { account: 'alice@example.com', ip: '192.0.2.2' }, 5);
    expect(await throttle.check({ account: 'nobody@example.com', ip: '192.0.2.3' })).toEqual(
      await throttle.check({ account: 'alice@example.com', ip: '192.0.2.3' }),
    );
  });
});
