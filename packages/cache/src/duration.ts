import { CacheError } from './errors.ts';

/** A duration: milliseconds as a number, or a string such as `'250ms'`, `'30s'`, `'5m'`, `'1h'`, `'1d'`, `'1h30m'`. */
export type Duration = number | string;

const unitMs: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const part = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/gy;

/**
 * Parses a {@link Duration} into whole milliseconds. Throws `ERR_CACHE_INVALID_OPTION` naming `option`
 * when the value is negative, not finite, or not in the documented format, so a typo fails at construction.
 *
 * @example parseDuration('1m30s', 'ttl') // 90_000
 */
export function parseDuration(value: Duration, option: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw invalid(option, `must be a finite, non-negative number of milliseconds, got ${String(value)}`);
    }
    return Math.round(value);
  }
  if (typeof value !== 'string')
    throw invalid(option, `must be milliseconds or a string like '5m', got ${typeof value}`);
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text));
  let total = 0;
  let consumed = 0;
  part.lastIndex = 0;
  for (let match = part.exec(text); match !== null; match = part.exec(text)) {
    total += Number(match[1]) * (unitMs[match[2] as string] as number);
    consumed = part.lastIndex;
    while (text[part.lastIndex] === ' ') part.lastIndex++;
    consumed = part.lastIndex;
  }
  if (text.length === 0 || consumed !== text.length) {
    throw invalid(option, `must be milliseconds or a string like '250ms', '30s', '5m', '1h', '1d', got '${value}'`);
  }
  return Math.round(total);
}

function invalid(option: string, message: string): CacheError {
  return new CacheError('ERR_CACHE_INVALID_OPTION', `Invalid option "${option}": ${message}`);
}
