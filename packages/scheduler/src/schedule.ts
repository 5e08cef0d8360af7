/**
 * What `scheduler.add` accepts as a schedule, parsed into slots: instants (ms since the epoch) at which a run is
 * due. Cron expressions are croner's (seconds field optional; `L`, `W`, `#`, nicknames such as `@hourly`), read
 * in the job's IANA timezone; intervals are kernel durations; a `Date` is one slot.
 *
 * The DST policy, the same for every zone (croner's fixed-time rule "no-wildcard", close to Vixie cron):
 * - an expression whose second, minute and hour fields have no wildcard or step names wall-clock times
 *   (`30 2 * * *`, `0 0,30 2 * * *`): a time that does not exist on a spring-forward day runs once, at the
 *   first instant after the gap; a time that exists twice on a fall-back day runs once, at its first
 *   occurrence;
 * - an expression with a wildcard or step in those fields is a cadence (`*\/15 * * * *`, `0 * * * *`): it runs
 *   at every real instant whose wall-clock time matches, so the gap has nothing to run and the repeated hour
 *   runs as the two distinct hours it is;
 * - intervals ignore DST: their slots are whole multiples of the interval since the Unix epoch, so every
 *   instance computes the same slots without talking to the others.
 */
import { Cron } from 'croner';
import { type Duration, describe } from '../../../internal/src/index.ts';
import { check, invalidOption, SchedulerError } from './errors.ts';

/** When a job runs: a cron expression, an interval (`'5m'`, or ms), or one `Date`. */
export type Schedule = string | Duration | Date;

/** A parsed schedule: the slots it names. */
export interface Slots {
  /** `'cron'`, `'interval'` or `'once'`. */
  readonly kind: 'cron' | 'interval' | 'once';
  /** The schedule as given (the expression, the interval in ms, the date's ISO text). */
  readonly text: string;
  /** The IANA zone a cron expression is read in; `undefined` for intervals and dates. */
  readonly timezone: string | undefined;
  /** The first slot strictly after `after`, or `undefined` when there is none. */
  next(after: number): number | undefined;
  /** The last slot at or before `atOrBefore`, or `undefined`. */
  previous(atOrBefore: number): number | undefined;
  /** Up to `max` slots in `(after, atOrBefore]`, the latest ones, oldest first. */
  between(after: number, atOrBefore: number, max: number): number[];
}

/** Whether `zone` is an IANA timezone this runtime knows. */
function knownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Checks a timezone option, naming it in the error. */
export function checkTimezone(value: unknown, option: string): string {
  if (typeof value !== 'string' || !knownZone(value)) {
    throw invalidOption(option, `expected an IANA timezone such as 'Europe/Vienna' or 'UTC', got ${describe(value)}`);
  }
  return value;
}

/** A string is read as cron when it has 5 or 6 fields or is a nickname; otherwise as a duration. */
function looksLikeCron(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.startsWith('@') || trimmed.split(/\s+/).length >= 5;
}

/** Parses a schedule; throws `ERR_SCHEDULER_INVALID_SCHEDULE` naming what was wrong. */
export function parseSchedule(schedule: unknown, timezone: string): Slots {
  if (schedule instanceof Date) {
    const at = schedule.getTime();
    if (Number.isNaN(at)) throw invalidSchedule('an invalid Date');
    return onceSlots(at);
  }
  if (typeof schedule === 'string' && looksLikeCron(schedule)) return cronSlots(schedule, timezone);
  if (typeof schedule === 'string' || typeof schedule === 'number') {
    let ms: number;
    try {
      ms = check.duration(schedule, 'schedule', { positive: true });
    } catch (error) {
      throw new SchedulerError(
        'ERR_SCHEDULER_INVALID_SCHEDULE',
        `Invalid schedule ${JSON.stringify(schedule)}: not a cron expression (5 or 6 fields, or @hourly and the like), and not an interval: ${(error as Error).message}`,
      );
    }
    return intervalSlots(ms);
  }
  throw invalidSchedule(`a ${schedule === null ? 'null' : typeof schedule}`);
}

function invalidSchedule(got: string): SchedulerError {
  return new SchedulerError(
    'ERR_SCHEDULER_INVALID_SCHEDULE',
    `Invalid schedule: expected a cron expression, an interval ('5m' or ms) or a Date, got ${got}`,
  );
}

function cronSlots(expression: string, timezone: string): Slots {
  let cron: Cron;
  try {
    cron = new Cron(expression, { timezone, paused: true, mode: '5-or-6-parts', fixedTimeRule: 'no-wildcard' });
    // croner checks some fields lazily; one computation surfaces every parse error now.
    cron.nextRun(new Date(0));
  } catch (error) {
    throw new SchedulerError(
      'ERR_SCHEDULER_INVALID_SCHEDULE',
      `Invalid cron expression ${JSON.stringify(expression)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const next = (after: number) => cron.nextRun(new Date(after))?.getTime();
  // croner's reference is exclusive at whole seconds: 1 ms later includes a slot exactly at `atOrBefore`.
  const previous = (atOrBefore: number) => cron.previousRuns(1, new Date(atOrBefore + 1))[0]?.getTime();
  return {
    kind: 'cron',
    text: expression,
    timezone,
    next,
    previous,
    between(after, atOrBefore, max) {
      // Walks back from `atOrBefore` in small batches and stops at `after`, so the cost follows the slots asked
      // for, not `max` (croner computes every run it is asked for).
      const slots: number[] = [];
      let reference = atOrBefore + 1;
      while (slots.length < max) {
        const batch = cron.previousRuns(Math.min(16, max - slots.length), new Date(reference)).map((d) => d.getTime());
        for (const slot of batch) {
          if (slot <= after) return slots.reverse();
          slots.push(slot);
        }
        if (batch.length === 0) break;
        reference = batch.at(-1) as number;
      }
      return slots.reverse();
    },
  };
}

function intervalSlots(every: number): Slots {
  return {
    kind: 'interval',
    text: `${every}ms`,
    timezone: undefined,
    next: (after) => (Math.floor(after / every) + 1) * every,
    previous: (atOrBefore) => Math.floor(atOrBefore / every) * every,
    between(after, atOrBefore, max) {
      const slots: number[] = [];
      for (let slot = Math.floor(atOrBefore / every) * every; slot > after && slots.length < max; slot -= every) {
        slots.push(slot);
      }
      return slots.reverse();
    },
  };
}

function onceSlots(at: number): Slots {
  return {
    kind: 'once',
    text: new Date(at).toISOString(),
    timezone: undefined,
    next: (after) => (at > after ? at : undefined),
    previous: (atOrBefore) => (at <= atOrBefore ? at : undefined),
    between: (after, atOrBefore, max) => (max > 0 && at > after && at <= atOrBefore ? [at] : []),
  };
}
