// The one duration grammar of every `@infra/*` package. Not a package: each package's build (tsup) inlines this
// file, and its types into the package's bundled `.d.ts`, so a duration means the same thing everywhere and no
// package depends on another for it. The grammar is documented once, on `parseDurationMs`.

/** A unit of a duration string: milliseconds, seconds, minutes (never months), hours or days. */
export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';

const unitMs: Readonly<Record<DurationUnit, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** One `<number><unit>` part of a duration string, such as `'30s'` or `'1.5h'`. */
type DurationPart = `${number}${DurationUnit}`;

/**
 * A duration: milliseconds as a number, or a string such as `'250ms'`, `'30s'`, `'5m'`, `'1h30m'`, `'1d12h'`
 * (one or more `<number><unit>` parts, summed; units ms, s, m, h, d; decimals allowed; a bare numeric string is ms).
 *
 * Why not `number | string`: a template-literal type turns typos (`'5mins'`, `'30 sec'`, `'1w'`) into compile
 * errors instead of start-up errors. Why not just `` `${number}${DurationUnit}` ``: compound strings are part of
 * the grammar, so the type spells out one, two and three parts (5 + 25 + 125 members; `'1h30m15s'` fits, four
 * or more parts do not, which no sensible literal needs). The trade-offs, chosen knowingly:
 *
 * - a value typed `string` (read from a config file, or `let ttl = '5m'` without `as const`) must be narrowed
 *   or parsed first, for example with `@infra/env`'s `duration()`, which yields milliseconds;
 * - whitespace forms (`'1h 30m'`, `'5 m'`) are valid at run time but not spelled by the type;
 * - `${number}` also admits `'-1s'` and `'1e3s'`: the run-time check is the authority, the type only catches
 *   the common slips.
 */
export type Duration =
  | number
  | DurationPart
  | `${DurationPart}${DurationPart}`
  | `${DurationPart}${DurationPart}${DurationPart}`;

/** What {@link parseDurationMs} found: the milliseconds, or why the value is not a duration. */
export type DurationResult = { ok: true; ms: number } | { ok: false; reason: string };

/** How a rejected string is quoted in a reason; a package may mask or shorten it (`@infra/env` masks URL passwords). */
export type QuoteValue = (text: string) => string;

const bareNumber = /^\d+(?:\.\d+)?$/;
// One part, sticky: the unit is any run of letters so that `'5mins'` is reported as the unknown unit `mins`.
const part = /(\d+(?:\.\d+)?)\s*([a-z]+)\s*/iy;
const units = 'units are ms, s, m, h and d';
const examples = "such as '250ms', '30s', '5m' or '1h30m'";

/**
 * Parses a duration into milliseconds (not rounded: `'0.5ms'` is `0.5`). Pure: it never throws, so each package
 * wraps a rejection in its own error, naming its option. The grammar:
 *
 * - a finite, non-negative **number** of milliseconds: `1500`, `0.5`;
 * - a **string** of one or more `<number><unit>` parts, summed: `'250ms'`, `'30s'`, `'1.5h'`, `'1h30m'`,
 *   `'1d 12h'`. `<number>` is digits with an optional decimal fraction (no sign, no exponent, no leading
 *   dot); `<unit>` is one of `ms`, `s`, `m` (minutes), `h`, `d`, lower-case. Whitespace may surround parts
 *   and separate a number from its unit (`'5 m'`); the same unit may repeat (`'1m1m'` is two minutes);
 * - a string that is only a `<number>` is milliseconds: `'250'`.
 *
 * Nothing else: no negative values, no `NaN`/`Infinity`, no `'1e3s'`, no other unit names (`'5min'`, `'1w'`,
 * `'5M'`), no empty string, and no total above `Number.MAX_SAFE_INTEGER` milliseconds.
 *
 * @example parseDurationMs('1h30m') // { ok: true, ms: 5_400_000 }
 * @example parseDurationMs('5x') // { ok: false, reason: 'unknown duration unit "x" in "5x" (units are ms, s, m, h and d)' }
 */
export function parseDurationMs(value: unknown, quote: QuoteValue = quoteValue): DurationResult {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      return fail(`expected a finite, non-negative number of milliseconds, got ${String(value)}`);
    }
    return bounded(value === 0 ? 0 : value, String(value));
  }
  if (typeof value !== 'string') {
    return fail(
      `expected milliseconds or a duration string ${examples}, got ${value === null ? 'null' : typeof value}`,
    );
  }
  const text = value.trim();
  if (text === '') return fail(`expected milliseconds or a duration ${examples}, got an empty string`);
  if (bareNumber.test(text)) return bounded(Number(text), quote(value));
  let total = 0;
  part.lastIndex = 0;
  while (part.lastIndex < text.length) {
    const match = part.exec(text);
    if (match === null) {
      const why = text.startsWith('-') ? 'a duration cannot be negative' : `expected a duration ${examples}`;
      return fail(`${why} (${units}), got ${quote(value)}`);
    }
    const [, amount, unit] = match as unknown as [string, string, string];
    if (!isUnit(unit)) return fail(`unknown duration unit ${JSON.stringify(unit)} in ${quote(value)} (${units})`);
    total += Number(amount) * unitMs[unit];
  }
  return bounded(total, quote(value));
}

function isUnit(text: string): text is DurationUnit {
  return Object.hasOwn(unitMs, text);
}

function bounded(ms: number, shown: string): DurationResult {
  if (ms > Number.MAX_SAFE_INTEGER) {
    return fail(`${shown} is too long a duration (more than Number.MAX_SAFE_INTEGER milliseconds)`);
  }
  return { ok: true, ms };
}

function fail(reason: string): DurationResult {
  return { ok: false, reason };
}

/** A string as it appears in a reason: JSON-quoted, cut to 40 characters so a pasted blob stays readable. */
function quoteValue(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
}
