/**
 * `schedulerCheck`: a health check in `@infra/health`'s shape, written structurally so this package does not
 * import it: `health.register('scheduler', schedulerCheck({ scheduler }))`. And `schedulerShutdownHook`, for
 * `@infra/health`'s `shutdown.add`.
 */
import { type Clock, clockOption, type Duration } from '../../../internal/src/index.ts';
import { check, invalidOption } from './errors.ts';
import type { Scheduler } from './scheduler.ts';

/** What a check returns, as `@infra/health` reads it. */
export interface SchedulerCheckResult {
  status: 'pass' | 'warn' | 'fail';
  observedValue: { jobs: number; running: number; stuck: number; missed: number };
  output?: string;
}

/** A health check function with the defaults `@infra/health`'s `register` reads. */
export interface SchedulerHealthCheck {
  (signal?: AbortSignal): Promise<SchedulerCheckResult>;
  readonly componentType: string;
}

/** Options of {@link schedulerCheck}. */
export interface SchedulerCheckOptions {
  /** The scheduler to report on. */
  scheduler: Scheduler;
  /** A slot missed within this long ago makes the check warn. @default '1h' */
  missedWindow?: Duration;
  /** Source of time for `missedWindow`: the scheduler's clock. @default the system clock */
  clock?: Clock;
}

/**
 * Fails when a handler runs past its timeout (stuck) or the coordinator cannot be read; warns when a slot was
 * missed (dropped by catch-up, or its claim failed) within `missedWindow`; passes otherwise.
 *
 * @example health.register('scheduler', schedulerCheck({ scheduler }))
 */
export function schedulerCheck(options: SchedulerCheckOptions): SchedulerHealthCheck {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const scheduler = options.scheduler;
  if (typeof scheduler?.list !== 'function' || typeof scheduler.stuck !== 'function') {
    throw invalidOption('scheduler', 'must be a scheduler from createScheduler()');
  }
  const missedWindow = check.duration(options.missedWindow, 'missedWindow', { default: 3_600_000 });
  const clock = clockOption(options.clock, invalidOption);
  const run = async (): Promise<SchedulerCheckResult> => {
    const stuck = scheduler.stuck();
    const stats = scheduler.stats();
    const observed = (missed: number) => ({ jobs: stats.jobs, running: stats.running, stuck: stuck.length, missed });
    let jobs: Awaited<ReturnType<Scheduler['list']>>;
    try {
      jobs = await scheduler.list();
    } catch (error) {
      return {
        status: 'fail',
        observedValue: observed(0),
        output: `coordinator unreachable: ${(error as Error).message}`,
      };
    }
    if (stuck.length > 0) {
      const list = stuck.map((run) => `${run.job} (${run.overdueMs} ms past its timeout)`).join(', ');
      return { status: 'fail', observedValue: observed(0), output: `stuck: ${list}` };
    }
    const since = clock.now() - missedWindow;
    const missed = jobs.filter((job) => job.lastMissedAt !== undefined && job.lastMissedAt.getTime() >= since);
    if (missed.length > 0) {
      const list = missed.map((job) => `${job.name} (${job.missed})`).join(', ');
      return { status: 'warn', observedValue: observed(missed.length), output: `missed slots: ${list}` };
    }
    return { status: 'pass', observedValue: observed(0) };
  };
  return Object.assign(run, { componentType: 'component' });
}

/**
 * A hook for `@infra/health`'s graceful shutdown: closes the scheduler (running jobs get `closeTimeout`, then
 * their signals abort). Give the hook a timeout longer than the scheduler's `closeTimeout`.
 *
 * @example shutdown.add('scheduler', schedulerShutdownHook(scheduler), { timeout: '35s' })
 */
export function schedulerShutdownHook(scheduler: Scheduler): (signal?: AbortSignal) => Promise<void> {
  if (typeof scheduler?.close !== 'function')
    throw invalidOption('scheduler', 'must be a scheduler from createScheduler()');
  return () => scheduler.close();
}
