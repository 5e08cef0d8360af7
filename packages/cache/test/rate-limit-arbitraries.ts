/** fast-check generators shared by the rate-limit property tests. */
import fc from 'fast-check';
import type { RateLimitRule } from '../src/index.ts';

/** Random rate-limit rules of every algorithm, with limits up to `maxLimit` and windows up to `maxWindow` ms. */
export function ruleArbitrary(maxLimit: number, maxWindow: number): fc.Arbitrary<RateLimitRule> {
  const limit = fc.integer({ min: 1, max: maxLimit });
  const window = fc.integer({ min: 1, max: maxWindow });
  return fc.oneof(
    fc.record({ algorithm: fc.constantFrom('fixed-window' as const, 'sliding-window' as const), limit, window }),
    fc.record({
      algorithm: fc.constant('token-bucket' as const),
      limit,
      refill: fc.integer({ min: 1, max: Math.max(1, Math.round(maxLimit / 4)) }),
      interval: fc.integer({ min: 1, max: Math.max(1, Math.round(maxWindow / 4)) }),
    }),
    fc.record({ algorithm: fc.constant('gcra' as const), limit, window, burst: fc.integer({ min: 1, max: maxLimit }) }),
  );
}
