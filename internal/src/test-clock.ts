// The one test clock of the repo. Time moves only when a test says so; timers fire in due order as it passes.
// Not part of any package's public API: tests import it from here.
import type { Clock, ClockTimer } from './clock.ts';

interface Scheduled extends ClockTimer {
  readonly due: number;
  readonly seq: number;
  readonly callback: () => void;
}

/** A {@link Clock} that a test drives: `advance` moves time and fires the timers that fall due, in order. */
export interface TestClock extends Clock {
  /** Moves time forward by `ms`, firing each timer due on the way at its due time (callbacks may add timers). */
  advance(ms: number): void;
  /**
   * Like {@link advance}, but lets promise callbacks run before each due timer and after the last one, so code
   * that awaits between timers (a retry loop, a timeout after an await) sees time pass as it would for real.
   */
  advanceAsync(ms: number): Promise<void>;
  /** Fires every pending timer (and those they add) in due order, moving time to each; returns how many fired. */
  runAll(): number;
  /** Sets the time without firing anything (the clock never runs backwards: an earlier time throws). */
  set(now: number): void;
  /** Timers scheduled and not yet fired or cleared. */
  pending(): number;
}

/** A clock for tests, starting at `start` (default `Date.UTC(2026, 0, 1)`), that moves only when told. */
export function createTestClock(start: number = Date.UTC(2026, 0, 1)): TestClock {
  let now = start;
  let seq = 0;
  const timers = new Set<Scheduled>();

  const next = (limit: number): Scheduled | undefined => {
    let first: Scheduled | undefined;
    for (const timer of timers) {
      if (timer.due > limit) continue;
      if (first === undefined || timer.due < first.due || (timer.due === first.due && timer.seq < first.seq)) {
        first = timer;
      }
    }
    return first;
  };
  const fire = (timer: Scheduled): void => {
    timers.delete(timer);
    now = Math.max(now, timer.due);
    timer.callback();
  };
  const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

  const clock: TestClock = {
    now: () => now,
    setTimeout(callback, ms) {
      const timer: Scheduled = {
        due: now + Math.max(0, Number.isFinite(ms) ? ms : 0),
        seq: seq++,
        callback,
        unref: () => timer,
      };
      timers.add(timer);
      return timer;
    },
    clearTimeout(timer) {
      if (timer !== undefined) timers.delete(timer as Scheduled);
    },
    advance(ms) {
      const target = now + ms;
      for (let timer = next(target); timer !== undefined; timer = next(target)) fire(timer);
      now = target;
    },
    async advanceAsync(ms) {
      const target = now + ms;
      await flush();
      for (let timer = next(target); timer !== undefined; timer = next(target)) {
        fire(timer);
        await flush();
      }
      now = target;
      await flush();
    },
    runAll() {
      let count = 0;
      for (let timer = next(Number.POSITIVE_INFINITY); timer !== undefined; timer = next(Number.POSITIVE_INFINITY)) {
        fire(timer);
        if (++count > 100_000) throw new Error('runAll: more than 100000 timers fired; a timer keeps rescheduling');
      }
      return count;
    },
    set(time) {
      if (time < now) throw new Error(`TestClock.set: ${time} is before the current time ${now}`);
      now = time;
    },
    pending: () => timers.size,
  };
  return clock;
}
