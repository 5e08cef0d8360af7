/** The options of one job, checked once when it is added. */
import type { Duration } from '../../../internal/src/index.ts';
import type { OverlapPolicy } from './coordinator.ts';
import { check, invalidOption } from './errors.ts';
import { checkTimezone } from './schedule.ts';

/** What a job does with slots that passed while no instance ran it (downtime, a paused event loop). */
export type CatchupPolicy = 'none' | 'latest' | 'all';

/** Retry back-off: `delay × factor^(attempt − 1)`, at most `maxDelay`, shortened by up to `jitter` of itself. */
export interface BackoffOptions {
  /** The first retry's delay. @default '1s' */
  delay?: Duration;
  /** The longest delay. @default '5m' */
  maxDelay?: Duration;
  /** Growth per attempt. @default 2 */
  factor?: number;
  /** The fraction (0-1) of each delay taken off at random, so retries of many instances spread. @default 0.2 */
  jitter?: number;
}

/** Options of `scheduler.add`. */
export interface JobOptions {
  /** The IANA zone a cron expression is read in. @default the scheduler's `timezone` */
  timezone?: string;
  /** What a slot does while a run of the job is going (on any instance). @default 'skip' */
  overlap?: OverlapPolicy;
  /** What happens to slots missed while no instance ran the job. @default 'latest' */
  catchup?: CatchupPolicy;
  /** How far back missed slots are caught up; older ones are dropped. @default '1h' */
  catchupWindow?: Duration;
  /** The most missed slots `catchup: 'all'` runs (the latest ones). @default 10 */
  maxCatchup?: number;
  /** Attempts per slot, the first included; a takeover after a lapsed lease counts as one. @default 1 */
  maxAttempts?: number;
  /** Delay between attempts. @default { delay: '1s', maxDelay: '5m', factor: 2, jitter: 0.2 } */
  backoff?: BackoffOptions;
  /** How long one attempt may run before its signal aborts and the attempt fails. @default undefined (no limit) */
  timeout?: Duration;
  /** How long a claim holds without renewal (renewed every third of it while the run goes). @default the scheduler's `lease` */
  lease?: Duration;
}

/** Job options with defaults applied, in ms. */
export interface ResolvedJobOptions {
  timezone: string;
  overlap: OverlapPolicy;
  catchup: CatchupPolicy;
  catchupWindow: number;
  maxCatchup: number;
  maxAttempts: number;
  backoff: { delay: number; maxDelay: number; factor: number; jitter: number };
  timeout: number | undefined;
  lease: number;
}

const overlaps: readonly OverlapPolicy[] = ['skip', 'buffer-one', 'buffer-all', 'cancel-other', 'allow-all'];
const catchups: readonly CatchupPolicy[] = ['none', 'latest', 'all'];

/** Checks a job's options against the scheduler's defaults and the coordinator's retention. */
export function resolveJobOptions(
  options: JobOptions | undefined,
  defaults: { timezone: string; lease: number; retention: number },
): ResolvedJobOptions {
  const o = options ?? {};
  if (typeof o !== 'object' || o === null) throw invalidOption('options', 'must be an object');
  const b = o.backoff ?? {};
  if (typeof b !== 'object' || b === null) throw invalidOption('backoff', 'must be an object');
  const catchupWindow = check.duration(o.catchupWindow, 'catchupWindow', { default: 3_600_000 });
  if (catchupWindow >= defaults.retention) {
    // The coordinator forgets ended runs after its retention: a slot caught up from further back could run twice.
    throw invalidOption('catchupWindow', `must be shorter than the coordinator's retention (${defaults.retention} ms)`);
  }
  return {
    timezone: o.timezone === undefined ? defaults.timezone : checkTimezone(o.timezone, 'timezone'),
    overlap: check.oneOf(o.overlap, 'overlap', overlaps, 'skip'),
    catchup: check.oneOf(o.catchup, 'catchup', catchups, 'latest'),
    catchupWindow,
    maxCatchup: check.number(o.maxCatchup, 'maxCatchup', { default: 10, min: 1, integer: true }),
    maxAttempts: check.number(o.maxAttempts, 'maxAttempts', { default: 1, min: 1, integer: true }),
    backoff: {
      delay: check.duration(b.delay, 'backoff.delay', { default: 1_000 }),
      maxDelay: check.duration(b.maxDelay, 'backoff.maxDelay', { default: 300_000 }),
      factor: check.number(b.factor, 'backoff.factor', { default: 2, min: 1 }),
      jitter: check.number(b.jitter, 'backoff.jitter', { default: 0.2, min: 0, max: 1 }),
    },
    timeout: check.optionalDuration(o.timeout, 'timeout', { positive: true }),
    lease: check.duration(o.lease, 'lease', { default: defaults.lease, min: 100 }),
  };
}

/** The delay before attempt `attempt + 1`, given `random()` in [0, 1). */
export function backoffDelay(backoff: ResolvedJobOptions['backoff'], attempt: number, random: () => number): number {
  const base = Math.min(backoff.maxDelay, backoff.delay * backoff.factor ** (attempt - 1));
  return Math.round(base * (1 - backoff.jitter * random()));
}
