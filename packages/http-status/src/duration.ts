import { invalidOption } from './errors.ts';

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration in milliseconds, or a string such as `'500ms'`, `'30s'`, `'5m'`, `'1h'`, `'1d'`. */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

/** Milliseconds in `value`; throws `ERR_HTTP_STATUS_INVALID_OPTION` naming `option` when it is not a duration. */
export function toMilliseconds(value: unknown, option: string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
    return invalidOption(option, `expected a non-negative number of milliseconds, got ${value}`);
  }
  if (typeof value === 'string') {
    const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(value.trim());
    const unit = match?.[2] === undefined ? undefined : units[match[2]];
    if (match?.[1] !== undefined && unit !== undefined) return Number(match[1]) * unit;
  }
  return invalidOption(
    option,
    `expected milliseconds or a duration such as '30s' or '5m', got ${JSON.stringify(value)}`,
  );
}
