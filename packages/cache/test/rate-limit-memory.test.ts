import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import {
  CacheError,
  createRateLimiter,
  memoryRateLimitStore,
  type RateLimitResult,
  type RateLimitStore,
} from '../src/index.ts';
import { manualClock, rateLimitConformance, T0 } from './rate-limit-conformance.ts';

rateLimitConformance('memory', () => memoryRateLimitStore());

describe('createRateLimiter options', () => {
  it.each([
    [{ limits: [] }, 'limits'],
    [{ limits: { algorithm: 'leaky', limit: 1, window: 1 } }, 'limits.algorithm'],
    [{ limits: { algorithm: 'fixed-window', limit: 0, window: 1000 } }, 'limits.limit'],
    [{ limits: { algorithm: 'fixed-window', limit: 1.5, window: 1000 } }, 'limits.limit'],
    [{ limits: { algorithm: 'sliding-window', limit: 5, window: '5 minutes' } }, 'limits.window'],
    [{ limits: { algorithm: 'token-bucket', limit: 5 } }, 'limits.interval'],
    [{ limits: { algorithm: 'gcra', limit: 5, window: 0 } }, 'limits.window'],
    [{ limits: { algorithm: 'gcra', limit: 5, window: 1000, burst: -1 } }, 'limits.burst'],
    [
      {
        limits: [
          { algorithm: 'fixed-window', limit: 5, window: 1000 },
          { algorithm: 'fixed-window', limit: 5, window: '1s' },
        ],
      },
      'limits',
    ],
    [{ limits: { algorithm: 'fixed-window', limit: 5, window: 1000, name: 'has space' } }, 'limits.name'],
    [{ limits: { algorithm: 'fixed-window', limit: 5, window: 1000 }, onStoreError: 'ignore' }, 'onStoreError'],
    [{ limits: { algorithm: 'fixed-window', limit: 5, window: 1000 }, storeTimeout: 0 }, 'storeTimeout'],
    [{ limits: { algorithm: 'fixed-window', limit: 5, window: 1000 }, block: '-1s' }, 'block'],
  ])('rejects %j naming %s', (options, option) => {
    const create = () => createRateLimiter(options as unknown as Parameters<typeof createRateLimiter>[0]);
    expect(create).toThrow(CacheError);
    expect(create).toThrow(`"${option}"`);
  });

  it('accepts durations as strings and derives readable rule names', () => {
    const limiter = createRateLimiter({
      limits: [
        { algorithm: 'sliding-window', limit: 60, window: '1m' },
        { algorithm: 'token-bucket', limit: 10, refill: 2, interval: '1s' },
        { algorithm: 'gcra', limit: 5, window: '15m' },
      ],
    });
    expect(limiter.rules.map((rule) => [rule.name, rule.windowMs, rule.policyWindowMs])).toEqual([
      ['60-per-1m', 60_000, 60_000],
      ['10-bucket', 1_000, 5_000],
      ['5-per-15m', 900_000, 900_000],
    ]);
  });
});

describe('consume arguments', () => {
  const limiter = createRateLimiter({ limits: { algorithm: 'fixed-window', limit: 5, window: 1000 } });

  it('rejects a bad key or cost with a typed error', async () => {
    await expect(limiter.consume('')).rejects.toMatchObject({ code: 'ERR_CACHE_INVALID_KEY' });
    await expect(limiter.consume('k', { cost: 0 })).rejects.toMatchObject({ code: 'ERR_CACHE_INVALID_COST' });
    await expect(limiter.consume('k', { cost: 1.5 })).rejects.toMatchObject({ code: 'ERR_CACHE_INVALID_COST' });
    // A cost above the limit could never pass: say so instead of rejecting forever.
    await expect(limiter.consume('k', { cost: 6 })).rejects.toMatchObject({ code: 'ERR_CACHE_INVALID_COST' });
  });

  it('refuses calls after close', async () => {
    const closing = createRateLimiter({ limits: { algorithm: 'fixed-window', limit: 5, window: 1000 } });
    await closing.close();
    await expect(closing.consume('k')).rejects.toMatchObject({ code: 'ERR_CACHE_CLOSED' });
  });
});

const failing: RateLimitStore = {
  evaluate: async () => {
    throw new Error('connection refused');
  },
  reset: async () => {
    throw new Error('connection refused');
  },
  block: async () => {},
};
const hanging: RateLimitStore = { ...failing, evaluate: () => new Promise(() => {}) };
const limits = { algorithm: 'fixed-window', limit: 2, window: 1000 } as const;

describe('onStoreError with a failing store', () => {
  it("'allow' lets the request through and says so", async () => {
    const limiter = createRateLimiter({ store: failing, limits, onStoreError: 'allow' });
    const result = await limiter.consume('k');
    expect(result).toMatchObject({ allowed: true, reason: 'fail-open', rules: [] });
    expect(result.error).toMatchObject({ code: 'ERR_CACHE_RATE_LIMIT_STORE' });
    expect(result.error?.cause).toMatchObject({ message: 'connection refused' });
    expect(limiter.stats()).toEqual({ allowed: 1, rejected: 0, storeErrors: 1, skipped: 0, circuits: {} });
  });

  it("'deny' rejects with a Retry-After of the shortest window", async () => {
    const limiter = createRateLimiter({ store: failing, limits, onStoreError: 'deny' });
    expect(await limiter.consume('k')).toMatchObject({ allowed: false, reason: 'fail-closed', retryAfterMs: 1000 });
  });

  it("'insurance' counts in memory with the insurance limits", async () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ store: failing, limits, onStoreError: 'insurance', clock });
    const results = [await limiter.consume('k'), await limiter.consume('k'), await limiter.consume('k')];
    expect(results.map((r) => [r.allowed, r.reason])).toEqual([
      [true, 'insurance'],
      [true, 'insurance'],
      [false, 'insurance'],
    ]);
    clock.set(T0 + 1000);
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, reason: 'insurance' });
  });

  it('a store that never answers is decided by the policy once storeTimeout has passed on the clock', async () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ store: hanging, limits, onStoreError: 'deny', storeTimeout: 50, clock });
    let result: RateLimitResult | undefined;
    const pending = limiter.consume('k').then((decided) => {
      result = decided;
    });
    await clock.advanceAsync(49);
    expect(result).toBeUndefined();
    await clock.advanceAsync(1);
    await pending;
    expect(result).toMatchObject({ allowed: false, reason: 'fail-closed' });
    expect(result?.error?.message).toContain('within 50 ms');
  });

  it('reset and block of a store that never answers fail once storeTimeout has passed on the clock', async () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ store: hanging, limits, storeTimeout: '1m', clock });
    const outcome = limiter.reset('k').catch((error: unknown) => error);
    await clock.advanceAsync(60_000);
    expect(await outcome).toMatchObject({ code: 'ERR_CACHE_RATE_LIMIT_STORE' });
  });

  it('reset fails loudly instead of pretending', async () => {
    const limiter = createRateLimiter({ store: failing, limits });
    await expect(limiter.reset('k')).rejects.toMatchObject({ code: 'ERR_CACHE_RATE_LIMIT_STORE' });
  });

  it('logs the first failure of an outage once, not per request', async () => {
    const warnings: string[] = [];
    const limiter = createRateLimiter({
      store: failing,
      limits,
      onStoreError: 'allow',
      logger: { debug: () => {}, info: () => {}, warn: (_obj, msg) => warnings.push(String(msg)), error: () => {} },
    });
    await limiter.consume('a');
    await limiter.consume('b');
    expect(warnings).toHaveLength(1);
  });
});

describe('memory store', () => {
  it('forgets expired keys as the map grows', async () => {
    const clock = manualClock();
    const store = memoryRateLimitStore({ sweepEvery: 10 });
    const limiter = createRateLimiter({ store, limits: { algorithm: 'fixed-window', limit: 1, window: 1000 }, clock });
    for (let i = 0; i < 9; i++) await limiter.consume(`k${i}`);
    expect(store.size).toBe(9);
    clock.set(T0 + 5000);
    await limiter.consume('fresh');
    // The tenth entry triggered a sweep of the nine expired ones.
    expect(store.size).toBe(1);
  });
});

describe('observability', () => {
  it('publishes store failures on infra:cache:rate-limit-store-error, and on the old name for one minor', async () => {
    const seen: string[] = [];
    const current = () => seen.push('current');
    const legacy = () => seen.push('legacy');
    subscribe('infra:cache:rate-limit-store-error', current);
    subscribe('infra:cache:rate-limit:store-error', legacy);
    try {
      const limiter = createRateLimiter({ store: failing, limits, onStoreError: 'allow' });
      await limiter.consume('a');
    } finally {
      unsubscribe('infra:cache:rate-limit-store-error', current);
      unsubscribe('infra:cache:rate-limit:store-error', legacy);
    }
    expect(seen).toEqual(['current', 'legacy']);
  });

  it('close() is idempotent and await using closes the limiter', async () => {
    let escaped: ReturnType<typeof createRateLimiter> | undefined;
    {
      await using limiter = createRateLimiter({ limits });
      escaped = limiter;
    }
    await escaped.close();
    await expect(escaped.consume('a')).rejects.toMatchObject({ code: 'ERR_CACHE_CLOSED' });
  });

  it('publishes every decision on infra:cache:rate-limit', async () => {
    const seen: unknown[] = [];
    const listener = (message: unknown) => seen.push(message);
    subscribe('infra:cache:rate-limit', listener);
    try {
      const limiter = createRateLimiter({ limits: { algorithm: 'fixed-window', limit: 1, window: 1000 } });
      await limiter.consume('a');
      await limiter.consume('a');
      await limiter.peek('a');
    } finally {
      unsubscribe('infra:cache:rate-limit', listener);
    }
    expect(seen).toMatchObject([
      { key: 'a', cost: 1, result: { allowed: true } },
      { key: 'a', cost: 1, result: { allowed: false, reason: 'over-limit' } },
    ]);
  });
});
