import { invalidOption } from './errors.ts';

/** A duration: milliseconds as a number, or a string such as `'250ms'`, `'30s'`, `'5m'`, `'1h'`, `'1h30m'`. */
export type Duration = number | string;

const unitMs: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const part = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*/gy;

/**
 * Parses a {@link Duration} into whole milliseconds. Throws `ERR_HEALTH_INVALID_OPTION` naming `option`
 * when the value is negative, not finite, or not in the documented format, so a typo fails at construction.
 *
 * @example parseDuration('1m30s', 'timeoutMs') // 90_000
 */
export function parseDuration(value: unknown, option: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw invalidOption(option, `must be a finite, non-negative number of milliseconds, got ${String(value)}`);
    }
    return Math.round(value);
  }
  if (typeof value !== 'string') {
    throw invalidOption(option, `must be milliseconds or a string like '5s', got ${typeof value}`);
  }
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text));
  let total = 0;
  let consumed = 0;
  part.lastIndex = 0;
  for (let match = part.exec(text); match !== null; match = part.exec(text)) {
    total += Number(match[1]) * (unitMs[match[2] as string] as number);
    consumed = part.lastIndex;
  }
  if (text.length === 0 || consumed !== text.length) {
    throw invalidOption(option, `must be milliseconds or a string like '250ms', '30s', '5m', got '${value}'`);
  }
  return Math.round(total);
}

/** Like {@link parseDuration}, but `undefined` gives `fallback`. */
export function durationOr(value: unknown, option: string, fallback: number): number {
  return value === undefined ? fallback : parseDuration(value, option);
}

/** Like {@link parseDuration}, but rejects 0: for timeouts, where 0 would fail every run. */
export function positiveDuration(value: unknown, option: string, fallback: number): number {
  const ms = durationOr(value, option, fallback);
  if (ms === 0) throw invalidOption(option, 'must be greater than 0');
  return ms;
}
