import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { problemResponse, toProblem } from '../src/index.ts';

const secret = 'hunter2-secret';

describe('toProblem, for arbitrary thrown values', () => {
  it('never throws and always answers a 4xx/5xx document that serialises', () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withMap: true, withSet: true, withNullPrototype: true }),
        (thrown) => {
          const problem = toProblem(thrown);
          expect(problem.status).toBeGreaterThanOrEqual(400);
          expect(problem.status).toBeLessThanOrEqual(599);
          expect(typeof problem.title).toBe('string');
          expect(() => JSON.stringify(problem)).not.toThrow();
        },
      ),
    );
  });

  it('never sends the message of a 5xx that does not say expose: true', async () => {
    const errorLike = fc.record(
      {
        status: fc.oneof(fc.integer({ min: 500, max: 599 }), fc.constant(undefined), fc.string()),
        statusCode: fc.oneof(fc.integer({ min: 0, max: 999 }), fc.constant(undefined)),
        expose: fc.oneof(fc.constant(false), fc.constant(undefined), fc.constant('yes')),
        code: fc.constant(secret),
        headers: fc.constant({ 'x-secret': secret }),
        issues: fc.constant([{ message: secret, path: ['password'] }]),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(errorLike, async (fields) => {
        const error = Object.assign(new Error(secret), fields);
        const problem = toProblem(error);
        if (problem.status < 500) return; // e.g. statusCode 404 wins over an unusable status: then 4xx rules apply
        const response = problemResponse(error);
        const visible = `${JSON.stringify([...response.headers])}${await response.text()}`;
        expect(visible).not.toContain(secret);
      }),
    );
  });
});
