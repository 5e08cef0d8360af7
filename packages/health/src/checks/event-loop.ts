import { monitorEventLoopDelay } from 'node:perf_hooks';
import { invalidOption } from '../errors.ts';
import type { HealthCheck } from '../types.ts';
import { defineCheck, roundMs } from './define.ts';

/** Options of {@link eventLoopCheck}. */
export interface EventLoopCheckOptions {
  /** Fail when the p99 event-loop delay (ms) since the previous run exceeds this. Required. */
  maxDelayMs: number;
  /** Warn above this p99 delay (below `maxDelayMs`). @default undefined (never warns) */
  warnDelayMs?: number;
  /** Sampling resolution of `monitorEventLoopDelay`, in ms. @default 20 */
  resolutionMs?: number;
}

/**
 * Event-loop delay: the p99 of `monitorEventLoopDelay` over the window since the previous run (the histogram
 * is reset after each read). Holds a histogram: `health.close()` disables it.
 *
 * @example health.register('event-loop', eventLoopCheck({ maxDelayMs: 500 }), { probes: 'liveness' })
 */
export function eventLoopCheck(options: EventLoopCheckOptions): HealthCheck {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const { maxDelayMs, warnDelayMs, resolutionMs = 20 } = options;
  if (typeof maxDelayMs !== 'number' || !(maxDelayMs > 0)) throw invalidOption('maxDelayMs', 'must be a number > 0');
  if (
    warnDelayMs !== undefined &&
    (typeof warnDelayMs !== 'number' || !(warnDelayMs > 0 && warnDelayMs < maxDelayMs))
  ) {
    throw invalidOption('warnDelayMs', 'must be a number > 0 and below maxDelayMs');
  }
  if (!Number.isInteger(resolutionMs) || resolutionMs < 1)
    throw invalidOption('resolutionMs', 'must be an integer >= 1');
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  return defineCheck(
    () => {
      // No sample yet (the first run right after start): nothing says the loop is blocked.
      const p99 = histogram.count === 0 ? 0 : roundMs(histogram.percentile(99) / 1e6);
      histogram.reset();
      const result = { observedValue: p99, observedUnit: 'ms' };
      if (p99 > maxDelayMs) return { ...result, status: 'fail', output: `p99 delay above ${maxDelayMs} ms` };
      if (warnDelayMs !== undefined && p99 > warnDelayMs) {
        return { ...result, status: 'warn', output: `p99 delay above ${warnDelayMs} ms` };
      }
      return result;
    },
    { componentType: 'system', measurement: 'delay', close: () => void histogram.disable() },
  );
}
