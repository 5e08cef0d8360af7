import { freePort, redisServer } from '@infra/testkit';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestClock, type TestClock } from '../../../internal/src/test-clock.ts';
import { createRateLimiter, type RateLimiter, type RateLimitResult, type StoreErrorPolicy } from '../src/index.ts';
import { redisRateLimitStore } from '../src/redis/index.ts';

const limits = { algorithm: 'sliding-window', limit: 3, window: '1m' } as const;
const storeTimeout = 200;
const clients: Redis[] = [];
afterAll(() => {
  for (const client of clients) client.disconnect();
});

function client(url: string, offlineQueue: boolean): Redis {
  const created = new Redis(url, { enableOfflineQueue: offlineQueue, lazyConnect: !offlineQueue });
  created.on('error', () => {}); // connection errors are the point of these tests
  clients.push(created);
  return created;
}

const expectedReason = { allow: 'fail-open', deny: 'fail-closed', insurance: 'insurance' } as const;
// Of 20 calls at once against a limit of 3: insurance limits in memory, the others answer by policy.
const expectedAllowed = { allow: 20, deny: 0, insurance: 3 } as const;
const policies: StoreErrorPolicy[] = ['allow', 'deny', 'insurance'];

/** Starts `call`; after `ms` on the clock, says whether it settled, and with what. */
async function settledAfter<T>(clock: TestClock, ms: number, call: Promise<T>): Promise<T | undefined> {
  let value: T | undefined;
  void call.then((result) => {
    value = result;
  });
  await clock.advanceAsync(ms);
  return value;
}

/** 20 calls at once, decided by `policy`, each settled once `waitMs` has passed on the limiter's clock. */
async function decide(url: string, policy: StoreErrorPolicy, offlineQueue: boolean, waitMs: number) {
  const clock = createTestClock();
  const limiter = createRateLimiter({
    store: redisRateLimitStore({ client: client(url, offlineQueue) }),
    limits,
    onStoreError: policy,
    storeTimeout,
    clock,
  });
  // 20 at once: the first call of the tick goes out alone and the rest as pipelines; both paths must fail over.
  const all = Promise.all(Array.from({ length: 20 }, () => limiter.consume('subject')));
  const results = (await settledAfter(clock, waitMs, all)) as RateLimitResult[];
  expect(results).toHaveLength(20);
  expect(results.filter((result) => result.allowed)).toHaveLength(expectedAllowed[policy]);
  for (const result of results) expect(result.reason).toBe(expectedReason[policy]);
  return results[0] as RateLimitResult;
}

describe('Redis on a closed port', async () => {
  const url = `redis://127.0.0.1:${await freePort()}`;

  it.each(policies)("onStoreError '%s' decides within storeTimeout while ioredis queues offline", async (policy) => {
    const result = await decide(url, policy, true, storeTimeout);
    expect(result.error).toMatchObject({ code: 'ERR_CACHE_RATE_LIMIT_STORE' });
    expect(result.error?.message).toContain(`within ${storeTimeout} ms`);
  });

  it.each(policies)("onStoreError '%s' decides at once with enableOfflineQueue: false", async (policy) => {
    // No time passes on the clock: ioredis refuses at once, and the policy decides.
    const result = await decide(url, policy, false, 0);
    expect(result.error?.cause).toBeInstanceOf(Error);
  });
});

describe('a redis-server killed mid-use', async () => {
  const server = await redisServer();
  const clock = createTestClock();
  const limiters = Object.fromEntries(
    policies.map((policy) => [
      policy,
      createRateLimiter({
        store: redisRateLimitStore({ client: client(server.url, true) }),
        prefix: `down:${policy}:`,
        limits,
        onStoreError: policy,
        storeTimeout,
        clock,
      }),
    ]),
  );

  it('counts on Redis while it is up, and survives a SCRIPT FLUSH (EVALSHA falls back to EVAL)', async () => {
    for (const policy of policies) {
      expect(await limiters[policy]?.consume('subject')).toMatchObject({ reason: 'within-limit', remaining: 2 });
    }
    const admin = client(server.url, true);
    await admin.script('FLUSH');
    for (const policy of policies) {
      expect(await limiters[policy]?.consume('subject')).toMatchObject({ reason: 'within-limit', remaining: 1 });
    }
  });

  it.each(policies)("after the kill, onStoreError '%s' decides within storeTimeout", async (policy) => {
    await server.kill();
    const result = await settledAfter(clock, storeTimeout, (limiters[policy] as RateLimiter).consume('subject'));
    expect(result).toMatchObject({ allowed: policy !== 'deny', reason: expectedReason[policy] });
    expect(result?.error).toMatchObject({ code: 'ERR_CACHE_RATE_LIMIT_STORE' });
  });

  it('insurance keeps limiting in memory while Redis is gone', async () => {
    await server.kill();
    const insured = limiters.insurance;
    const reasons: [boolean, string][] = [];
    for (let i = 0; i < 4; i++) {
      const result = await settledAfter(clock, storeTimeout, (insured as RateLimiter).consume('insured-subject'));
      reasons.push([result?.allowed ?? true, result?.reason ?? '']);
    }
    expect(reasons).toEqual([
      [true, 'insurance'],
      [true, 'insurance'],
      [true, 'insurance'],
      [false, 'insurance'],
    ]);
  });
});
