import type { CheckResult, HealthCheck } from '../types.ts';

/** Defaults a check carries into `register`, and what it must release on `health.close()`. */
export interface CheckDefaults {
  componentType?: string;
  measurement?: string;
  close?: () => void | Promise<void>;
}

/**
 * Attaches `register` defaults (and a `close`) to a check function; how the built-in checks are made.
 *
 * @example
 * const queue = defineCheck(async () => ({ observedValue: await jobs.depth() }), { measurement: 'depth' });
 */
export function defineCheck(
  // biome-ignore lint/suspicious/noConfusingVoidType: a check that passes returns nothing
  check: (signal: AbortSignal) => void | CheckResult | Promise<void | CheckResult>,
  defaults: CheckDefaults,
): HealthCheck {
  return Object.assign((signal: AbortSignal) => check(signal), defaults);
}
