/**
 * An invariant the Redis store's compact reply relies on: a rule rejects exactly when it asks for a wait
 * (`retryAfterMs > 0`), so the script sends the wait alone and the client derives `allowed` from it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateRule } from '../src/rate-limit/algorithms.ts';
import { compileRules } from '../src/rate-limit/rules.ts';
import { ruleArbitrary } from './rate-limit-arbitraries.ts';

const rule = ruleArbitrary(50, 5000);

describe('rate-limit algorithms', () => {
  it('a rule rejects exactly when its retryAfterMs is positive, whatever the traffic', () => {
    fc.assert(
      fc.property(
        rule,
        fc.array(fc.record({ advance: fc.integer({ min: 0, max: 3000 }), cost: fc.integer({ min: 1, max: 50 }) }), {
          minLength: 1,
          maxLength: 40,
        }),
        (limits, steps) => {
          const [compiled] = compileRules(limits);
          if (compiled === undefined) return;
          let now = 1_700_000_000_123;
          let state: number[] | undefined;
          for (const { advance, cost } of steps) {
            now += advance;
            const evaluation = evaluateRule(compiled, state, now, Math.min(cost, compiled.limit));
            expect(evaluation.retryAfterMs > 0).toBe(!evaluation.allowed);
            expect(evaluation.retryAfterMs).toBeGreaterThanOrEqual(0);
            if (evaluation.allowed) state = evaluation.next;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
