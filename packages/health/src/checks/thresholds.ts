import { invalidOption } from '../errors.ts';

/** Validates an optional non-negative finite number option. */
export function optionalNumber(value: unknown, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalidOption(option, `must be a finite number >= 0, got ${String(value)}`);
  }
  return value;
}

/** Validates an optional ratio in (0, 1]. */
export function optionalRatio(value: unknown, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) {
    throw invalidOption(option, `must be a number in (0, 1], got ${String(value)}`);
  }
  return value;
}
