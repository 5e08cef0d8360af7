import { describe, expect, it } from 'vitest';
import { CacheError, parseDuration } from '../src/index.ts';

describe('parseDuration', () => {
  it('reads the shared grammar, compound strings included, into whole milliseconds', () => {
    expect(parseDuration('1h30m', 'ttl')).toBe(5_400_000);
    expect(parseDuration('1d 12h', 'ttl')).toBe(129_600_000);
    expect(parseDuration('1.5s', 'ttl')).toBe(1_500);
    expect(parseDuration('250', 'ttl')).toBe(250);
    expect(parseDuration(0.6, 'ttl')).toBe(1);
  });

  it('throws ERR_CACHE_INVALID_OPTION naming the option and saying what is wrong', () => {
    const failure = (value: unknown): unknown => {
      try {
        parseDuration(value, 'timeouts.hard');
      } catch (error) {
        return error;
      }
      throw new Error(`${String(value)} was accepted`);
    };
    for (const bad of ['5x', '-1s', '1e3s', '', Number.NaN, Number.POSITIVE_INFINITY, -1, null]) {
      const error = failure(bad);
      expect(error, String(bad)).toBeInstanceOf(CacheError);
      expect(error, String(bad)).toMatchObject({ code: 'ERR_CACHE_INVALID_OPTION' });
      expect((error as CacheError).message, String(bad)).toMatch(/^Invalid option "timeouts.hard": /);
    }
    expect((failure('5x') as CacheError).message).toBe(
      'Invalid option "timeouts.hard": unknown duration unit "x" in "5x" (units are ms, s, m, h and d)',
    );
  });
});
