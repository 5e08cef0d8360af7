import { parseDurationMs } from '../../../internal/src/duration.ts';
import { CacheError } from './errors.ts';

/** A duration: milliseconds as a number, or a string such as `'250ms'`, `'30s'`, `'5m'`, `'1h30m'` (the grammar every `@infra/*` package shares). */
export type { Duration } from '../../../internal/src/duration.ts';

/**
 * Parses a duration into whole milliseconds. Throws `ERR_CACHE_INVALID_OPTION` naming `option` when the value
 * is not a non-negative number of milliseconds or a string of `<number><unit>` parts (ms, s, m, h, d), so a
 * typo fails at construction. It takes `unknown` because it is the check for values of any origin.
 *
 * @example parseDuration('1m30s', 'ttl') // 90_000
 */
export function parseDuration(value: unknown, option: string): number {
  const result = parseDurationMs(value);
  if (!result.ok) throw new CacheError('ERR_CACHE_INVALID_OPTION', `Invalid option "${option}": ${result.reason}`);
  return Math.round(result.ms);
}
