// The one clock of every `@infra/*` package. Everything that depends on time reads it and schedules its timers on
// it, so a test injects a test clock (`test-clock.ts`) and advances time instead of sleeping.

/** A pending timer of a {@link Clock}; opaque, only good for `clearTimeout` of the same clock. */
export interface ClockTimer {
  /** Lets the process exit while this timer is pending (Node's `Timeout.unref`); a no-op on test clocks. */
  unref(): ClockTimer;
}

/** The source of time and timers; inject one in tests instead of sleeping. */
export interface Clock {
  /** Milliseconds since the epoch, like `Date.now()`. */
  now(): number;
  /** Calls `callback` once after `ms` milliseconds, like the global `setTimeout`. */
  setTimeout(callback: () => void, ms: number): ClockTimer;
  /** Cancels a timer of this clock; `undefined` and a fired timer are ignored. */
  clearTimeout(timer: ClockTimer | undefined): void;
}

/** The real clock: `Date.now()` and the global timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms) as unknown as ClockTimer,
  clearTimeout: (timer) => clearTimeout(timer as Parameters<typeof clearTimeout>[0]),
};

/** Checks a `clock` option: `undefined` is the system clock; anything else must have the three methods. */
export function clockOption(value: unknown, invalid: (option: string, problem: string) => Error): Clock {
  if (value === undefined) return systemClock;
  const clock = value as Partial<Clock> | null;
  for (const method of ['now', 'setTimeout', 'clearTimeout'] as const) {
    if (typeof clock?.[method] !== 'function') {
      throw invalid('clock', `must have now(), setTimeout(callback, ms) and clearTimeout(timer); ${method} is missing`);
    }
  }
  return clock as Clock;
}
