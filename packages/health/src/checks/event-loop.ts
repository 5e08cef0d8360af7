import { createHistogram } from 'node:perf_hooks';
import type { Clock, Duration } from '../../../../internal/src/index.ts';
import { clockOption } from '../../../../internal/src/index.ts';
import { checks, invalidOption } from '../errors.ts';
import { durationOption, optionalDurationOption, renamed } from '../options.ts';
import type { HealthCheck } from '../types.ts';
import { defineCheck } from './define.ts';

/** Options of {@link eventLoopCheck}. */
export interface EventLoopCheckOptions {
  /** Fail when the loop was held longer than this at any point since the previous run. Required (or `maxDelayMs`). */
  maxDelay?: Duration;
  /** @deprecated Renamed to `maxDelay` (which also takes strings); this alias goes in the next minor version. */
  maxDelayMs?: number;
  /** Warn when the longest delay since the previous run is above this (below `maxDelay`). @default undefined (never warns) */
  warnDelay?: Duration;
  /** @deprecated Renamed to `warnDelay`; this alias goes in the next minor version. */
  warnDelayMs?: number;
  /** How often the loop is sampled: a stall shorter than this may go unseen. @default 20 */
  resolution?: Duration;
  /** @deprecated Renamed to `resolution`; this alias goes in the next minor version. */
  resolutionMs?: number;
  /** Source of time and timers of the sampler (tests stall a test clock instead of the loop). @default the system clock */
  clock?: Clock;
}

/**
 * Event-loop delay since the previous run. A timer on the clock ticks every `resolution` ms and records how late
 * it fired: lateness is delay, so an idle loop reads about 0, never the resolution itself (Node's
 * `monitorEventLoopDelay` records whole intervals, and its `reset()` drops the next interval, so a stall right
 * after a probe went unseen). The verdict is on the longest delay of the window: one long stall fails it even
 * when p99 looks fine; the output names p99 too. Reports the longest delay in ms. `health.close()` stops the timer.
 *
 * @example health.register('event-loop', eventLoopCheck({ maxDelay: '500ms' }), { probes: 'liveness' })
 */
export function eventLoopCheck(options: EventLoopCheckOptions): HealthCheck {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const max = renamed(options, 'maxDelay', 'maxDelayMs');
  if (max.value === undefined) throw invalidOption('maxDelay', 'is required (the longest acceptable delay)');
  const maxDelay = checks.duration(max.value, max.option, { positive: true });
  const warnDelay = optionalDurationOption(options, 'warnDelay', 'warnDelayMs');
  if (warnDelay !== undefined && !(warnDelay > 0 && warnDelay < maxDelay)) {
    throw invalidOption(
      renamed(options, 'warnDelay', 'warnDelayMs').option,
      `must be above 0 and below ${maxDelay} ms`,
    );
  }
  const resolution = durationOption(options, 'resolution', 'resolutionMs', { default: 20, positive: true });
  const clock = clockOption(options.clock, invalidOption);

  // Lateness in whole ms, stored plus one: a recordable histogram takes values from 1.
  const lateness = createHistogram();
  let due = clock.now() + resolution;
  const tick = () => {
    const now = clock.now();
    lateness.record(Math.max(0, Math.round(now - due)) + 1);
    due = now + resolution;
    timer = clock.setTimeout(tick, resolution).unref();
  };
  // Unref'd: sampling must not keep a process alive that has nothing else to do.
  let timer = clock.setTimeout(tick, resolution).unref();

  return defineCheck(
    () => {
      // No sample yet (the first run right after start): nothing says the loop is blocked.
      const longest = lateness.count === 0 ? 0 : lateness.max - 1;
      const p99 = lateness.count === 0 ? 0 : lateness.percentile(99) - 1;
      lateness.reset();
      const result = { observedValue: longest, observedUnit: 'ms' };
      const seen = `longest delay ${longest} ms (p99 ${p99} ms)`;
      if (longest > maxDelay) return { ...result, status: 'fail', output: `${seen}, above ${maxDelay} ms` };
      if (warnDelay !== undefined && longest > warnDelay) {
        return { ...result, status: 'warn', output: `${seen}, above ${warnDelay} ms` };
      }
      return result;
    },
    { componentType: 'system', measurement: 'delay', close: () => clock.clearTimeout(timer) },
  );
}
