/** Shared set-up of the scheduler tests: a test clock, a memory coordinator, schedulers that record runs. */
import { afterEach } from 'vitest';
import { createTestClock, type TestClock } from '../../../internal/src/test-clock.ts';
import {
  type Coordinator,
  createScheduler,
  memoryCoordinator,
  type RunContext,
  type Scheduler,
  type SchedulerOptions,
} from '../src/index.ts';

export interface Harness {
  clock: TestClock;
  coordinator: Coordinator;
  /** A scheduler on the harness' clock and coordinator, closed after the test. */
  scheduler(options?: SchedulerOptions): Scheduler;
}

const open = new Map<Scheduler, TestClock>();
afterEach(async () => {
  // Runs a test left going hold close() until closeTimeout passes on their clock: move it on until all closed.
  let closed = false;
  const all = Promise.all([...open.keys()].map((s) => s.close())).then(() => {
    closed = true;
  });
  for (let i = 0; !closed && i < 100; i++) {
    for (const clock of new Set(open.values())) await clock.advanceAsync(60_000);
  }
  await all;
  open.clear();
});

export function harness(start: number | string = Date.UTC(2026, 0, 1)): Harness {
  const clock = createTestClock(typeof start === 'string' ? Date.parse(start) : start);
  const coordinator = memoryCoordinator({ clock });
  return {
    clock,
    coordinator,
    scheduler(options = {}) {
      const scheduler = createScheduler({ clock, coordinator, sweepInterval: '1h', ...options });
      open.set(scheduler, clock);
      return scheduler;
    },
  };
}

/** Resolves after `ms` on `clock`, or rejects with the signal's reason when it aborts first. */
export function wait(clock: TestClock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clock.clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

/** A run as the tests record it. */
export interface Seen {
  slot: string;
  at: string;
  attempt: number;
}

/** A handler that records each call (slot, start time, attempt) and then runs `body`. */
export function recorder(clock: TestClock, body: (context: RunContext) => unknown = () => {}) {
  const seen: Seen[] = [];
  const handler = (context: RunContext) => {
    seen.push({ slot: context.slot.toISOString(), at: new Date(clock.now()).toISOString(), attempt: context.attempt });
    return body(context);
  };
  return { seen, handler, slots: () => seen.map((s) => s.slot) };
}

/** Lets pending promise callbacks run (a coordinator call, a registration) without moving the clock. */
export async function settle(clock: TestClock): Promise<void> {
  await clock.advanceAsync(0);
}
