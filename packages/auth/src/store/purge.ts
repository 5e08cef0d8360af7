// The checked options of `purgeExpired`, shared by every store.
import { check, invalidOption } from '../errors.ts';
import type { PurgeOptions } from './contract.ts';

/** `limit` (a positive integer, or Infinity) and `now` (the caller's time, when given). */
export function purgeSettings(options: PurgeOptions | undefined): { limit: number; now: number | undefined } {
  if (options === undefined) return { limit: Number.POSITIVE_INFINITY, now: undefined };
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'expected { limit, now }');
  const limit =
    options.limit === undefined || options.limit === Number.POSITIVE_INFINITY
      ? Number.POSITIVE_INFINITY
      : check.number(options.limit, 'limit', { min: 1, integer: true });
  const now = options.now === undefined ? undefined : check.number(options.now, 'now', { min: 0 });
  return { limit, now };
}
