// The checks every `@infra` factory runs on its options, once, at construction. Each package binds them to its
// own error (`optionChecks(invalidOption)`), so every bad option throws that package's `ERR_<PKG>_INVALID_OPTION`
// with the one message form `Invalid option "name": what was wrong`.
import { parseDurationMs } from './duration.ts';
import type { InvalidOption } from './errors.ts';

/** Limits of a duration option, in milliseconds. */
export interface DurationLimits {
  /** The value when the option is `undefined`. Without it, `undefined` is an error. */
  default?: number;
  /** Smallest accepted value (inclusive). @default 0 */
  min?: number;
  /** Whether 0 is rejected: for timeouts and intervals, where 0 would fail or spin. @default false */
  positive?: boolean;
}

/** Limits of a numeric option. */
export interface NumberLimits {
  default?: number;
  min?: number;
  max?: number;
  /** Whether only whole numbers are accepted. @default false */
  integer?: boolean;
}

/** The option checks of one package, all throwing that package's invalid-option error. */
export interface OptionChecks {
  /** The package's invalid-option error, for checks of its own; returned, so callers `throw` it. */
  invalid: InvalidOption;
  /** Whole milliseconds of a duration option (`1500`, `'30s'`, `'1h30m'`); see `parseDurationMs` for the grammar. */
  duration(value: unknown, option: string, limits?: DurationLimits): number;
  /** Like {@link duration}, but `undefined` stays `undefined` (an option that turns a feature on). */
  optionalDuration(value: unknown, option: string, limits?: Omit<DurationLimits, 'default'>): number | undefined;
  /** A finite number within limits. */
  number(value: unknown, option: string, limits?: NumberLimits): number;
  /** One of `values`; `undefined` gives `fallback` when there is one. */
  oneOf<const T extends string>(value: unknown, option: string, values: readonly T[], fallback?: T): T;
  /** A boolean; `undefined` gives `fallback`. */
  boolean(value: unknown, option: string, fallback: boolean): boolean;
  /** A non-empty string; `undefined` gives `fallback` when there is one. */
  string(value: unknown, option: string, fallback?: string): string;
  /** A function, or `undefined` when the option is optional. */
  optionalFunction<F extends (...args: never[]) => unknown>(value: unknown, option: string): F | undefined;
}

/** Binds the option checks to a package's invalid-option error. */
export function optionChecks(invalid: InvalidOption): OptionChecks {
  const duration = (value: unknown, option: string, limits: DurationLimits = {}): number => {
    if (value === undefined && limits.default !== undefined) return limits.default;
    const parsed = parseDurationMs(value);
    if (!parsed.ok) throw invalid(option, parsed.reason);
    const ms = Math.round(parsed.ms);
    if (limits.positive === true && ms === 0) throw invalid(option, 'must be greater than 0');
    if (limits.min !== undefined && ms < limits.min)
      throw invalid(option, `must be at least ${limits.min} ms, got ${ms}`);
    return ms;
  };
  return {
    invalid,
    duration,
    optionalDuration: (value, option, limits) => (value === undefined ? undefined : duration(value, option, limits)),
    number(value, option, limits = {}) {
      if (value === undefined && limits.default !== undefined) return limits.default;
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw invalid(option, `expected a finite number, got ${describe(value)}`);
      if (limits.integer === true && !Number.isInteger(value))
        throw invalid(option, `expected a whole number, got ${value}`);
      if (limits.min !== undefined && value < limits.min)
        throw invalid(option, `must be at least ${limits.min}, got ${value}`);
      if (limits.max !== undefined && value > limits.max)
        throw invalid(option, `must be at most ${limits.max}, got ${value}`);
      return value;
    },
    oneOf(value, option, values, fallback) {
      if (value === undefined && fallback !== undefined) return fallback;
      if (typeof value === 'string' && (values as readonly string[]).includes(value))
        return value as (typeof values)[number];
      throw invalid(option, `expected one of ${values.map((v) => `'${v}'`).join(', ')}, got ${describe(value)}`);
    },
    boolean(value, option, fallback) {
      if (value === undefined) return fallback;
      if (typeof value !== 'boolean') throw invalid(option, `expected a boolean, got ${describe(value)}`);
      return value;
    },
    string(value, option, fallback) {
      if (value === undefined && fallback !== undefined) return fallback;
      if (typeof value !== 'string' || value === '')
        throw invalid(option, `expected a non-empty string, got ${describe(value)}`);
      return value;
    },
    optionalFunction<F>(value: unknown, option: string) {
      if (value === undefined) return undefined;
      if (typeof value !== 'function') throw invalid(option, `expected a function, got ${describe(value)}`);
      return value as F;
    },
  };
}

/** How a rejected value is named in a message: its type, or a short rendering of a primitive. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
