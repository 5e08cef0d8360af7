/**
 * The memory store (algorithms.ts) and the Redis script are two implementations of the same
 * algorithms: random rule sets and random traffic (times, costs, peeks, bursts of calls made at once) must
 * get identical answers from both, at every step.
 */
import { redis } from '@infra/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { createRateLimiter, memoryRateLimitStore } from '../src/index.ts';
import { redisRateLimitStore } from '../src/redis/index.ts';
import { ruleArbitrary } from './rate-limit-arbitraries.ts';
import { T0 } from './rate-limit-conformance.ts';

const r = await redis();

const rule = ruleArbitrary(20, 2000);

const step = fc.record({
  advance: fc.integer({ min: 0, max: 700 }),
  cost: fc.integer({ min: 1, max: 3 }),
  peek: fc.boolean(),
  // Calls made at once: on Redis the first goes alone and the rest in one batch (the many-key script).
  burst: fc.integer({ min: 1, max: 3 }),
});

let run = 0;
let compared = 0;

describe('memory store ≡ Redis script', () => {
  it('answer every random request identically', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(rule, { minLength: 1, maxLength: 3, selector: (x) => JSON.stringify(x) }),
        fc.integer({ min: 0, max: 3000 }),
        fc.array(step, { minLength: 1, maxLength: 25 }),
        async (limits, block, steps) => {
          const maxCost = Math.min(...limits.map((l) => (l.algorithm === 'gcra' ? (l.burst ?? l.limit) : l.limit)));
          const clock = createTestClock(T0 + 123);
          const prefix = `${r.prefix}eq${++run}:`;
          let memory: ReturnType<typeof createRateLimiter>;
          let onRedis: ReturnType<typeof createRateLimiter>;
          try {
            const options = { limits, clock, block, prefix, storeTimeout: 5_000, onStoreError: 'deny' } as const;
            memory = createRateLimiter({ ...options, store: memoryRateLimitStore() });
            onRedis = createRateLimiter({
              ...options,
              store: redisRateLimitStore({ client: r.client, time: 'client' }),
            });
          } catch {
            return; // a rule set the validation refuses (same names): nothing to compare
          }
          for (const { advance, cost, peek, burst } of steps) {
            clock.advance(advance);
            const c = Math.min(cost, maxCost);
            const call = (limiter: typeof memory) =>
              peek ? limiter.peek('k', { cost: c }) : limiter.consume('k', { cost: c });
            const a = [];
            for (let i = 0; i < burst; i++) a.push(await call(memory));
            const b = await Promise.all(Array.from({ length: burst }, () => call(onRedis)));
            expect(b).toEqual(a);
            compared += burst;
          }
        },
      ),
      { numRuns: 150 },
    );
    // Most generated rule sets are valid: the property compared real traffic, not nothing.
    expect(compared).toBeGreaterThan(500);
  });
});
