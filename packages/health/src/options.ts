// Options renamed by the naming sheet (`timeoutMs` became `timeout`, ...) are read here, under either name, for
// one minor version; every health factory reads its durations through these two functions.
import type { DurationLimits } from '../../../internal/src/index.ts';
import { checks } from './errors.ts';

/**
 * The value of an option under its name or its deprecated one, and the name it was given under, so an error
 * names what the user wrote. Both at once is an error: which one should win would be a guess.
 */
export function renamed(options: object, name: string, deprecated: string): { value: unknown; option: string } {
  const record = options as Record<string, unknown>;
  const value = record[name];
  const old = record[deprecated];
  if (value !== undefined && old !== undefined) {
    throw checks.invalid(name, `give either "${name}" or its deprecated alias "${deprecated}", not both`);
  }
  return old === undefined ? { value, option: name } : { value: old, option: deprecated };
}

/** A duration option that may still be given under its deprecated `...Ms` name, in whole milliseconds. */
export function durationOption(options: object, name: string, deprecated: string, limits?: DurationLimits): number {
  const { value, option } = renamed(options, name, deprecated);
  return checks.duration(value, option, limits);
}

/** Like {@link durationOption}, but `undefined` stays `undefined` (an option that turns a feature on). */
export function optionalDurationOption(options: object, name: string, deprecated: string): number | undefined {
  const { value, option } = renamed(options, name, deprecated);
  return checks.optionalDuration(value, option);
}
