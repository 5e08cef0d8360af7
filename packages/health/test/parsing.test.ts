import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { pathMatcher, pathOf, resolvePaths } from '../src/http.ts';
import { createHealth } from '../src/index.ts';

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

describe('duration options', () => {
  it('read whole and compound units through the kernel grammar', async () => {
    const clock = createTestClock();
    const health = createHealth({ clock, timeout: '1m30s' });
    health.register('hung', () => new Promise(() => {}));
    const checking = health.check();
    await clock.advanceAsync(90_000);
    expect((await checking).checks[0]?.output).toBe('check "hung" timed out after 90000 ms');
  });

  it('reject anything else, naming the option', () => {
    for (const bad of ['', 'soon', '5 minutes', '-1s', '1x', 's', Number.NaN, -1, Number.POSITIVE_INFINITY, null, {}]) {
      expect(() => createHealth({ cacheTtl: bad as never }), String(bad)).toThrow(/Invalid option "cacheTtl"/);
    }
  });
});
