import { redis } from '@infra/testkit';
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { createRateLimiter, type RateLimitRule } from '../src/index.ts';
import { redisRateLimitStore } from '../src/redis/index.ts';
import { clientTimeGraceMs } from '../src/redis/rate-limit.lua.ts';
import { rateLimitConformance } from './rate-limit-conformance.ts';

const r = await redis();
// Eight connections, as eight app processes sharing one Redis.
const connections = await Promise.all(Array.from({ length: 8 }, () => r.connect()));

// The same boundary cases as the memory store, on real Redis; `time: 'client'` lets the test drive the clock.
rateLimitConformance('redis', () => redisRateLimitStore({ client: r.client, time: 'client' }), `${r.prefix}conf:`);

describe('redisRateLimitStore at Redis server time', () => {
  it('decides at Redis TIME, aligns fixed windows on it, and leaves keys that expire by themselves', async () => {
    const limiter = createRateLimiter({
      store: redisRateLimitStore({ client: r.client }),
      prefix: r.key('time:'),
      limits: { algorithm: 'fixed-window', limit: 2, window: 60_000 },
    });
    const [seconds, micros] = await r.client.time();
    const serverNow = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const result = await limiter.consume('subject');
    expect(Math.abs(result.decidedAt - serverNow)).toBeLessThan(5_000);
    expect(result.resetAt % 60_000).toBe(0);
    expect(result.resetAt - result.decidedAt).toBeGreaterThan(0);
    expect(result.resetAt - result.decidedAt).toBeLessThanOrEqual(60_000);
    const keys = await r.client.keys(`${r.key('time:')}*`);
    expect(keys).toEqual([`${r.key('time:')}{subject}:fw:2:60000`]);
    const ttl = await r.client.pttl(keys[0] as string);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    // Within the window the expiry stays at the window's end.
    const second = await limiter.consume('subject');
    expect(second.resetAt).toBe(result.resetAt);
    const ttlAfter = await r.client.pttl(keys[0] as string);
    expect(ttlAfter).toBeGreaterThan(0);
    expect(ttlAfter).toBeLessThanOrEqual(second.resetAt - second.decidedAt);
  });

  it('moves the expiry with a token bucket: the key lives until the bucket is full again', async () => {
    const limiter = createRateLimiter({
      store: redisRateLimitStore({ client: r.client }),
      prefix: r.key('tb-ttl:'),
      limits: { algorithm: 'token-bucket', limit: 10, refill: 1, interval: '10s' },
    });
    await limiter.consume('subject');
    const after = await limiter.consume('subject', { cost: 2 });
    expect(after.resetAt - after.decidedAt).toBeGreaterThan(20_000);
    const ttl = await r.client.pttl(`${r.key('tb-ttl:')}{subject}:tb:10:10000:1`);
    expect(ttl).toBeGreaterThan(20_000);
    expect(ttl).toBeLessThanOrEqual(after.resetAt - after.decidedAt);
  });

  it('without hash tags the keys are plain', async () => {
    const limiter = createRateLimiter({
      store: redisRateLimitStore({ client: r.client, hashTags: false }),
      prefix: r.key('plain:'),
      limits: { algorithm: 'gcra', limit: 5, window: '1s' },
    });
    await limiter.consume('subject');
    expect(await r.client.keys(`${r.key('plain:')}*`)).toEqual([`${r.key('plain:')}subject:gcra:5:1000:5`]);
  });
});

describe('redisRateLimitStore at client time', () => {
  it('keeps a key past its state by the grace, so a frozen clock never sees its state vanish with Redis time', async () => {
    const now = 1_700_000_000_000;
    const limiter = createRateLimiter({
      store: redisRateLimitStore({ client: r.client, time: 'client' }),
      clock: createTestClock(now),
      prefix: r.key('frozen:'),
      // Full again 1 ms after a take: timed exactly, the key would die 1 ms of Redis time later.
      limits: { algorithm: 'token-bucket', limit: 19, refill: 5, interval: 1 },
    });
    expect(await limiter.consume('k', { cost: 3 })).toMatchObject({ remaining: 16, resetAt: now + 1 });
    const ttl = await r.client.pttl(`${r.key('frozen:')}{k}:tb:19:1:5`);
    expect(ttl).toBeGreaterThan(clientTimeGraceMs - 1_000);
    expect(ttl).toBeLessThanOrEqual(clientTimeGraceMs + 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Still the state of the same instant: 20 ms of Redis time changed nothing.
    expect(await limiter.consume('k', { cost: 3 })).toMatchObject({ remaining: 13 });
  });

  it('reads a state past its expiry as no state: moving the clock on starts every algorithm afresh', async () => {
    const clock = createTestClock(1_700_000_000_000);
    const limits: RateLimitRule[] = [
      { name: 'fixed', algorithm: 'fixed-window', limit: 3, window: 10 },
      { name: 'sliding', algorithm: 'sliding-window', limit: 3, window: 10 },
      { name: 'bucket', algorithm: 'token-bucket', limit: 3, refill: 1, interval: 10 },
      { name: 'gcra', algorithm: 'gcra', limit: 3, window: 10 },
    ];
    const limiter = createRateLimiter({
      store: redisRateLimitStore({ client: r.client, time: 'client' }),
      clock,
      prefix: r.key('stale:'),
      limits,
    });
    expect(await limiter.consume('k', { cost: 3 })).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.consume('k')).toMatchObject({ allowed: false });
    // Past every rule's reset (the sliding window's is two windows on), while the key itself is still there.
    clock.advance(30);
    expect(await r.client.keys(`${r.key('stale:')}*`)).toHaveLength(1);
    expect(await limiter.consume('k', { cost: 3 })).toMatchObject({ allowed: true, remaining: 0 });
  });
});

describe('stored state', () => {
  it('reads a value it did not write (an older text state, another program) as no state, never as a block', async () => {
    const limiter = createRateLimiter({
      store: redisRateLimitStore({ client: r.client }),
      prefix: r.key('foreign:'),
      limits: { algorithm: 'fixed-window', limit: 2, window: '1h' },
    });
    const key = `${r.key('foreign:')}{subject}:fw:2:3600000`;
    // The text layout of earlier versions: block end, window start, count.
    await r.client.set(key, '99999999999999 0 2', 'PX', 60_000);
    expect(await limiter.consume('subject')).toMatchObject({ allowed: true, reason: 'within-limit', remaining: 1 });
    await r.client.set(key, 'x'.repeat(25), 'PX', 60_000);
    expect(await limiter.consume('subject')).toMatchObject({ allowed: true, reason: 'within-limit', remaining: 1 });
    expect(await limiter.consume('subject')).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.consume('subject')).toMatchObject({ allowed: false, reason: 'over-limit' });
  });

  it('runs the largest rule set (16 rules, every algorithm) in one script, alone and in a batch', async () => {
    const algorithms = ['fixed-window', 'sliding-window', 'token-bucket', 'gcra'] as const;
    const limits: RateLimitRule[] = Array.from({ length: 16 }, (_, i) => {
      const algorithm = algorithms[i % 4] as (typeof algorithms)[number];
      const limit = 5 + i;
      if (algorithm === 'token-bucket') return { algorithm, limit, interval: '1h' };
      return { algorithm, limit, window: '1h' };
    });
    const limiter = createRateLimiter({
      store: redisRateLimitStore({ client: r.client }),
      prefix: r.key('sixteen:'),
      limits,
      block: '1m',
    });
    // Five at once: the first goes alone (the one-key script), the other four in one batch (the many-key script).
    const first = await Promise.all(Array.from({ length: 5 }, () => limiter.consume('subject')));
    expect(first.map((result) => result.allowed)).toEqual([true, true, true, true, true]);
    const rejected = await limiter.consume('subject');
    expect(rejected).toMatchObject({ allowed: false, reason: 'over-limit', limit: 5, remaining: 0 });
    expect(rejected.rules.map((rule) => rule.remaining)).toEqual(limits.map((rule) => rule.limit - 5));
    expect(await limiter.consume('subject')).toMatchObject({ allowed: false, reason: 'blocked' });
  });
});

describe('concurrency on real Redis', () => {
  const algorithms: RateLimitRule[] = [
    { algorithm: 'fixed-window', limit: 100, window: '1h' },
    { algorithm: 'sliding-window', limit: 100, window: '1h' },
    { algorithm: 'token-bucket', limit: 100, refill: 1, interval: '1h' },
    { algorithm: 'gcra', limit: 100, window: '10h' },
  ];

  it.each(algorithms)(
    '64 concurrent consumers against a limit of 100 → exactly 100 allowed ($algorithm)',
    async (rule) => {
      const limiters = connections.map((client) =>
        createRateLimiter({ store: redisRateLimitStore({ client }), prefix: r.key('c64:'), limits: rule }),
      );
      let allowed = 0;
      let rejected = 0;
      await Promise.all(
        Array.from({ length: 64 }, async (_, consumer) => {
          const limiter = limiters[consumer % limiters.length];
          for (let i = 0; i < 3; i++) {
            const result = await limiter?.consume(`shared-${rule.algorithm}`);
            if (result?.allowed) allowed++;
            else rejected++;
          }
        }),
      );
      expect(allowed).toBe(100);
      expect(rejected).toBe(92);
      expect(await limiters[0]?.peek(`shared-${rule.algorithm}`)).toMatchObject({ allowed: false, remaining: 0 });
    },
  );

  it('two rules under concurrency: the tighter one decides and rejected calls leave the other untouched', async () => {
    const limiters = connections.map((client) =>
      createRateLimiter({
        store: redisRateLimitStore({ client }),
        prefix: r.key('two:'),
        limits: [
          { algorithm: 'sliding-window', limit: 60, window: '1m', name: 'minute' },
          { algorithm: 'fixed-window', limit: 100, window: '1h', name: 'hour' },
        ],
      }),
    );
    const results = await Promise.all(
      Array.from({ length: 150 }, (_, i) => limiters[i % limiters.length]?.consume('subject')),
    );
    expect(results.filter((result) => result?.allowed)).toHaveLength(60);
    const after = await limiters[0]?.peek('subject');
    expect(after?.rules.map((rule) => [rule.name, rule.remaining])).toEqual([
      ['minute', 0],
      ['hour', 40],
    ]);
  });
});

describe('scripts', () => {
  it('runs one EVALSHA per call once the script is cached', async () => {
    const calls: string[] = [];
    const client = r.client;
    const counting = {
      callBuffer: (command: string, ...args: (string | number)[]) => {
        calls.push(command);
        return client.callBuffer(command, ...args);
      },
      del: (...keys: string[]) => client.del(...keys),
    };
    const limiter = createRateLimiter({
      store: redisRateLimitStore({ client: counting }),
      prefix: r.key('sha:'),
      limits: { algorithm: 'sliding-window', limit: 10, window: '1m' },
    });
    await limiter.consume('a');
    calls.length = 0;
    await limiter.consume('a');
    await limiter.consume('b');
    expect(calls).toEqual(['EVALSHA', 'EVALSHA']);
  });
});
