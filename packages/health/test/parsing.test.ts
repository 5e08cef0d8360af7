import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../src/duration.ts';
import { pathMatcher, pathOf, resolvePaths } from '../src/http.ts';

const segment = fc.stringMatching(/^[a-z0-9._~-]{1,12}$/);
const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}`);
const query = fc.stringMatching(/^[a-zA-Z0-9=&%/?:._-]{0,30}$/);

describe('pathOf', () => {
  it('drops any query string and fragment, whatever they hold', () => {
    fc.assert(
      fc.property(path, query, query, (p, q, f) => {
        expect(pathOf(`${p}?${q}`)).toBe(p);
        expect(pathOf(`${p}#${f}`)).toBe(p);
        expect(pathOf(`${p}?${q}#${f}`)).toBe(p);
        expect(pathOf(`http://example.com:8080${p}?${q}`)).toBe(p);
      }),
    );
  });

  it('leaves a bare path as it is', () => {
    fc.assert(
      fc.property(path, (p) => {
        expect(pathOf(p)).toBe(p);
      }),
    );
  });
});

describe('pathMatcher', () => {
  it('matches every configured path with a query string or a trailing slash, and nothing longer', () => {
    const match = pathMatcher(resolvePaths({}));
    fc.assert(
      fc.property(query, segment, (q, extra) => {
        expect(match(`/health/ready?${q}`)).toBe('readiness');
        expect(match(`/health/live/?${q}`)).toBe('liveness');
        expect(match(`/health?${q}`)).toBe('health');
        expect(match(`/health/ready/${extra}`)).toBeUndefined();
        expect(match(`/health/ready${extra}`)).toBeUndefined();
      }),
    );
  });

  it('is not fooled by a URL inside the query string', () => {
    const match = pathMatcher(resolvePaths({}));
    expect(match('/health/ready?next=http://evil.example/health/live')).toBe('readiness');
    expect(match('/orders?next=http://x/health/ready')).toBeUndefined();
  });
});

describe('parseDuration', () => {
  it('reads whole and compound units', () => {
    expect(parseDuration('1m30s', 'x')).toBe(90_000);
    expect(parseDuration('250ms', 'x')).toBe(250);
    expect(parseDuration('1.5s', 'x')).toBe(1_500);
    expect(parseDuration('1h 5m', 'x')).toBe(3_900_000);
    expect(parseDuration(' 42 ', 'x')).toBe(42);
  });

  it('agrees with arithmetic for any combination of parts', () => {
    const units = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
    const part = fc.tuple(
      fc.integer({ min: 0, max: 999 }),
      fc.constantFrom(...(Object.keys(units) as (keyof typeof units)[])),
    );
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), (parts) => {
        const text = parts.map(([n, unit]) => `${n}${unit}`).join('');
        const expected = parts.reduce((sum, [n, unit]) => sum + n * units[unit], 0);
        expect(parseDuration(text, 'x')).toBe(expected);
      }),
    );
  });

  it('rejects anything else, naming the option', () => {
    for (const bad of ['', 'soon', '5 minutes', '-1s', '1x', 's', Number.NaN, -1, Number.POSITIVE_INFINITY, null, {}]) {
      expect(() => parseDuration(bad, 'timeoutMs'), String(bad)).toThrow(/Invalid option "timeoutMs"/);
    }
  });
});
