// Names kept for one minor version after the naming sheet renamed them (see the changeset).
import type { Logger } from '../../../internal/src/index.ts';
import { checks } from './errors.ts';

/**
 * Parses a duration option into whole milliseconds, throwing `ERR_CACHE_INVALID_OPTION` naming `option`.
 * @deprecated Pass durations to the options that take them; they are checked at construction.
 */
export function parseDuration(value: unknown, option: string): number {
  return checks.duration(value, option);
}

/**
 * The cache's logger.
 * @deprecated Use `Logger`.
 */
export interface CacheLogger extends Logger {}

/**
 * The rate limiter's logger.
 * @deprecated Use `Logger`.
 */
export interface RateLimiterLogger extends Logger {}
