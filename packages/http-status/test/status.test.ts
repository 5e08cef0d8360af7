import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  isClientError,
  isErrorStatus,
  isInformational,
  isRedirect,
  isServerError,
  isStatusCode,
  isSuccess,
  reasonPhrase,
  type StatusCode,
  statusClass,
} from '../src/index.ts';

describe('reasonPhrase', () => {
  it('never throws and gives undefined for anything that is not an assigned code', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const phrase = reasonPhrase(value as number);
        expect(phrase === undefined || typeof phrase === 'string').toBe(true);
      }),
    );
    for (const value of [Number.NaN, 404.5, -404, Infinity, '404', null, undefined, {}, Symbol('x')]) {
      expect(reasonPhrase(value as number)).toBeUndefined();
    }
  });
});

describe('statusClass and the guards', () => {
  it('classifies by first digit, assigned or not', () => {
    expect([100, 200, 299, 301, 404, 499, 500, 599].map(statusClass)).toEqual([
      'informational',
      'success',
      'success',
      'redirect',
      'client-error',
      'client-error',
      'server-error',
      'server-error',
    ]);
    expect([99, 600, 404.5, Number.NaN, -1].map(statusClass)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('each guard answers for exactly its class', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (code) => {
        const digit = code >= 100 && code <= 599 ? Math.floor(code / 100) : 0;
        expect(isInformational(code)).toBe(digit === 1);
        expect(isSuccess(code)).toBe(digit === 2);
        expect(isRedirect(code)).toBe(digit === 3);
        expect(isClientError(code)).toBe(digit === 4);
        expect(isServerError(code)).toBe(digit === 5);
        expect(isErrorStatus(code)).toBe(digit >= 4);
      }),
    );
  });

  it('isStatusCode narrows to the assigned codes', () => {
    const code: number = 404;
    if (isStatusCode(code)) expectTypeOf(code).toEqualTypeOf<StatusCode>();
    expect(isStatusCode(404)).toBe(true);
    expect(isStatusCode(418)).toBe(false);
    expect(isStatusCode(299)).toBe(false);
    expect(isStatusCode('404')).toBe(false);
  });
});
