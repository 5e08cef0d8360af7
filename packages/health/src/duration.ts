import { parseDurationMs } from '../../../internal/src/duration.ts';
import { invalidOption } from './errors.ts';

/** A duration: milliseconds as a number, or a string such as `'250ms'`, `'30s'`, `'5m'`, `'1h30m'` (the grammar every `@infra/*` package shares). */
export type { Duration } from '../../../internal/src/duration.ts';

/**
 * Parses a duration into whole milliseconds. Throws `ERR_HEALTH_INVALID_OPTION` naming `option` when the value
 * is not a non-negative number of milliseconds or a string of `<number><unit>` parts (ms, s, m, h, d), so a
 * typo fails at construction.
 *
 * @example parseDuration('1m30s', 'timeoutMs') // 90_000
 */
export function parseDuration(value: unknown, option: string): number {
  const result = parseDurationMs(value);
  if (!result.ok) throw invalidOption(option, result.reason);
  return Math.round(result.ms);
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
