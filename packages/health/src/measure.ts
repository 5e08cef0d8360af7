import type { Clock } from '../../../internal/src/index.ts';
import { systemClock } from '../../../internal/src/index.ts';

/**
 * Starts measuring; the returned function gives the milliseconds since. On the system clock it reads
 * `performance.now()` (a Redis PING takes well under a millisecond, which `Date.now()` would show as 0); on an
 * injected clock it reads `clock.now()`, so a test clock decides measured durations and thresholds on them.
 */
export function stopwatch(clock: Clock): () => number {
  if (clock === systemClock) {
    const started = performance.now();
    return () => performance.now() - started;
  }
  const started = clock.now();
  return () => clock.now() - started;
}

/** Round to 0.001 ms: sub-microsecond digits are noise. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
