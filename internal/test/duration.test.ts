import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type Duration, type DurationUnit, parseDurationMs } from '../src/duration.ts';

const unitMs: Record<DurationUnit, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const unit = fc.constantFrom(...(Object.keys(unitMs) as DurationUnit[]));
const amount = fc.integer({ min: 0, max: 100_000 });
// Two-decimal amounts as text, so the expected value is exact arithmetic on the same digits the parser reads.
const decimal = fc.tuple(amount, fc.integer({ min: 0, max: 99 })).map(([whole, cents]) => ({
  text: `${whole}.${String(cents).padStart(2, '0')}`,
  value: Number(`${whole}.${String(cents).padStart(2, '0')}`),
}));
const space = fc.constantFrom('', ' ', '  ', '\t');

function ms(value: unknown): number {
  const result = parseDurationMs(value);
  if (!result.ok) throw new Error(`expected ${String(value)} to parse, got: ${result.reason}`);
  return result.ms;
}

function reason(value: unknown): string {
  const result = parseDurationMs(value);
  if (result.ok) throw new Error(`expected ${String(value)} to be rejected, got ${result.ms}`);
  return result.reason;
}

describe('parseDurationMs: numbers', () => {
  it('takes any finite, non-negative number as milliseconds, unrounded', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: Number.MAX_SAFE_INTEGER, noNaN: true }), (n) => {
        expect(ms(n)).toBe(n === 0 ? 0 : n);
      }),
    );
    expect(Object.is(ms(-0), 0)).toBe(true);
  });

  it('rejects negative, NaN and infinite numbers, saying which', () => {
    for (const bad of [-1, -0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(reason(bad)).toBe(`expected a finite, non-negative number of milliseconds, got ${String(bad)}`);
    }
    expect(reason(Number.MAX_SAFE_INTEGER + 2)).toMatch(/too long a duration/);
  });
});

describe('parseDurationMs: strings', () => {
  it('reads the documented examples', () => {
    expect(ms('250ms')).toBe(250);
    expect(ms('30s')).toBe(30_000);
    expect(ms('5m')).toBe(300_000);
    expect(ms('1.5h')).toBe(5_400_000);
    expect(ms('1d')).toBe(86_400_000);
    expect(ms('1h30m')).toBe(5_400_000);
    expect(ms('1d 12h')).toBe(129_600_000);
    expect(ms(' 5 m ')).toBe(300_000);
    expect(ms('250')).toBe(250);
    expect(ms('0.5ms')).toBe(0.5);
    expect(ms('1m1m')).toBe(120_000);
  });

  it('reads <n><unit> as n times the unit', () => {
    fc.assert(
      fc.property(amount, unit, (n, u) => {
        expect(ms(`${n}${u}`)).toBe(n * unitMs[u]);
      }),
    );
    fc.assert(
      fc.property(amount, (n) => {
        expect(ms(`${n}s`)).toBe(n * 1000);
      }),
    );
  });

  it('reads decimals', () => {
    fc.assert(
      fc.property(decimal, unit, (n, u) => {
        expect(ms(`${n.text}${u}`)).toBeCloseTo(n.value * unitMs[u], 6);
      }),
    );
  });

  it('reads a bare number as milliseconds', () => {
    fc.assert(
      fc.property(amount, (n) => {
        expect(ms(String(n))).toBe(n);
      }),
    );
    fc.assert(
      fc.property(decimal, (n) => {
        expect(ms(n.text)).toBe(n.value);
      }),
    );
  });

  it('sums compound parts, in any order and with any whitespace between and around them', () => {
    const part = fc.tuple(amount, unit, space, space);
    fc.assert(
      fc.property(space, fc.array(part, { minLength: 1, maxLength: 6 }), space, (lead, parts, trail) => {
        const text = lead + parts.map(([n, u, inner, between]) => `${n}${inner}${u}${between}`).join('') + trail;
        const expected = parts.reduce((sum, [n, u]) => sum + n * unitMs[u], 0);
        expect(ms(text)).toBe(expected);
      }),
    );
  });

  it('rejects garbage with a reason a user can act on', () => {
    for (const bad of [
      '5x',
      '-1s',
      '1e3s',
      '',
      '   ',
      's',
      'soon',
      '5 m s',
      '1h30',
      '.5s',
      '5.s',
      '+5s',
      '0x10',
      '5M',
      '5min',
      '1w',
      'NaN',
      'Infinity',
      '1,5s',
    ]) {
      expect(parseDurationMs(bad).ok, bad).toBe(false);
    }
    expect(reason('5x')).toBe('unknown duration unit "x" in "5x" (units are ms, s, m, h and d)');
    expect(reason('5mins')).toBe('unknown duration unit "mins" in "5mins" (units are ms, s, m, h and d)');
    expect(reason('-1s')).toBe('a duration cannot be negative (units are ms, s, m, h and d), got "-1s"');
    expect(reason('')).toBe(
      "expected milliseconds or a duration such as '250ms', '30s', '5m' or '1h30m', got an empty string",
    );
    expect(reason('1h30')).toMatch(/^expected a duration such as .*, got "1h30"$/);
    expect(reason('9'.repeat(20))).toMatch(/too long a duration/);
    expect(reason(`${'9'.repeat(400)}d`)).toMatch(/too long a duration/);
  });

  it('rejects any string that is not a sequence of `<number><unit>` parts', () => {
    // At most 10 characters and no `d`: every total that fits the grammar then stays below the safe-integer cap.
    const grammar = /^\s*(?:\d+(?:\.\d+)?\s*(?:ms|s|m|h|d)\s*)+$|^\s*\d+(?:\.\d+)?\s*$/;
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('1', '.', ' ', 'm', 's', 'h', 'x', '-', 'e', 'M'), maxLength: 10 }),
        (text) => {
          expect(parseDurationMs(text).ok, JSON.stringify(text)).toBe(grammar.test(text) && text.trim() !== '');
        },
      ),
    );
  });

  it('quotes a long value shortened, or with the quoting a package asks for', () => {
    expect(reason(`5x${'y'.repeat(100)}`)).toContain(`"5x${'y'.repeat(35)}..."`);
    const masked = parseDurationMs('5 parsecs', () => '<hidden>');
    expect(masked).toEqual({
      ok: false,
      reason: 'unknown duration unit "parsecs" in <hidden> (units are ms, s, m, h and d)',
    });
  });
});

describe('parseDurationMs: other values', () => {
  it('rejects them, naming their type', () => {
    expect(reason(null)).toMatch(/, got null$/);
    expect(reason(undefined)).toMatch(/, got undefined$/);
    expect(reason({})).toMatch(/, got object$/);
    expect(reason(5n)).toMatch(/, got bigint$/);
    expect(reason(true)).toMatch(/^expected milliseconds or a duration string such as '250ms'/);
  });
});

describe('Duration', () => {
  it('accepts milliseconds and one to three `<number><unit>` parts', () => {
    expectTypeOf<1500>().toExtend<Duration>();
    expectTypeOf<'250ms'>().toExtend<Duration>();
    expectTypeOf<'1.5h'>().toExtend<Duration>();
    expectTypeOf<'1h30m'>().toExtend<Duration>();
    expectTypeOf<'1d12h30m'>().toExtend<Duration>();
  });

  it('catches typos at compile time', () => {
    expectTypeOf<'5mins'>().not.toExtend<Duration>();
    expectTypeOf<'5x'>().not.toExtend<Duration>();
    expectTypeOf<'1w'>().not.toExtend<Duration>();
    expectTypeOf<'soon'>().not.toExtend<Duration>();
    expectTypeOf<''>().not.toExtend<Duration>();
    expectTypeOf<string>().not.toExtend<Duration>();
  });
});
