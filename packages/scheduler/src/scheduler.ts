/**
 * `createScheduler`: cron, interval and one-off jobs run exactly once per slot across every instance that
 * shares a coordinator. Each job has a timer on the clock for its next slot; at the slot every instance asks
 * the coordinator to claim it and one wins. Slots missed while no instance ran (downtime, a stalled event loop)
 * follow the job's catch-up policy; runs whose owner died are taken over by a periodic sweep once their lease
 * lapses. Graphile Worker's "known crontabs" (catch up only from when a job was first seen, never before) and
 * Temporal's overlap and catch-up policies are the models.
 */
import { hostname } from 'node:os';
import type { Clock, ClockTimer, Closable, Duration, Logger } from '../../../internal/src/index.ts';
import { clockOption, closeOnce, loggerOption, publish, withDeadline } from '../../../internal/src/index.ts';
import { schedulerChannels } from './channels.ts';
import type { ClaimResult, Coordinator, OverlapPolicy, RunOutcome, RunRecord } from './coordinator.ts';
import { check, checkJobName, errorText, invalidOption, SchedulerError } from './errors.ts';
import { memoryCoordinator } from './memory/index.ts';
import { type JobOptions, type ResolvedJobOptions, resolveJobOptions } from './options.ts';
import { type ActiveRun, type JobHandler, type RunCounters, type RunHost, startRun } from './run.ts';
import { checkTimezone, parseSchedule, type Schedule, type Slots } from './schedule.ts';

/** Options of {@link createScheduler}. */
export interface SchedulerOptions {
  /** Where instances meet: claims, leases, flags and history. @default memoryCoordinator() (one process) */
  coordinator?: Coordinator;
  /** The IANA zone cron expressions are read in, unless a job names its own. @default 'UTC' */
  timezone?: string;
  /** Source of time and timers; every slot, timeout, back-off and lease renewal runs on it. @default the system clock */
  clock?: Clock;
  /** Pino-shaped logger. @default undefined (no logging) */
  logger?: Logger;
  /** How long a claim holds without renewal; a dead instance's runs are taken over after it. @default '30s' */
  lease?: Duration;
  /** How often this instance looks for runs whose lease lapsed and buffered slots nobody drains. @default half the `lease` */
  sweepInterval?: Duration;
  /** How long `close()` lets running jobs finish before it aborts them. @default '30s' */
  closeTimeout?: Duration;
  /** This instance's name in claims and history. @default `<hostname>-<pid>-<random>` */
  instanceId?: string;
  /** Random numbers in [0, 1) for retry jitter (tests pass a fixed one). @default Math.random */
  random?: () => number;
}

/** A job as `list()` shows it. */
export interface JobInfo {
  name: string;
  /** The schedule as given (`'0 3 * * *'`, `'300000ms'`, an ISO date). */
  schedule: string;
  kind: Slots['kind'];
  /** The zone a cron job is read in. */
  timezone: string | undefined;
  overlap: ResolvedJobOptions['overlap'];
  paused: boolean;
  enabled: boolean;
  /** The next slot, `undefined` when the schedule has none left. */
  nextRun: Date | undefined;
  /** The latest ended run on any instance (skipped slots aside). */
  lastRun: RunRecord | undefined;
  lastStatus: RunOutcome | undefined;
  /** Runs going on any instance. */
  running: number;
  /** Slots this instance saw pass without a run (dropped by catch-up, or the claim failed). */
  missed: number;
  /** When this instance last saw a slot missed. */
  lastMissedAt: Date | undefined;
}

/** What `trigger` did. */
export interface TriggerResult {
  runId: string;
  /** `'claimed'` when the run started; `'buffered'` or `'skipped'` per the overlap policy. */
  status: 'claimed' | 'buffered' | 'skipped';
}

/** A `stats()` snapshot. */
export interface SchedulerStats extends RunCounters {
  jobs: number;
  /** Runs going on this instance. */
  running: number;
  /** Slots this instance claimed. */
  claimed: number;
  /** Slots another instance had already claimed. */
  taken: number;
  /** Slots skipped by the overlap policy, or while paused or disabled. */
  skipped: number;
  /** Slots missed: dropped by the catch-up policy, or the claim failed. */
  missed: number;
  /** Coordinator calls that failed. */
  coordinatorErrors: number;
}

/** A stuck handler: still running past its attempt's timeout. */
export interface StuckRun {
  job: string;
  runId: string;
  /** How long past the timeout. */
  overdueMs: number;
}

/** Cron, interval and one-off jobs, exactly once per slot across the instances sharing a coordinator. */
export interface Scheduler extends Closable {
  /**
   * Adds (or replaces, by name) a job and registers it with the coordinator; resolves once it is armed. Bad
   * input throws at once.
   * @example await scheduler.add('cleanup', '0 * * * *', async ({ signal }) => purge(signal))
   */
  add(name: string, schedule: Schedule, handler: JobHandler, options?: JobOptions): Promise<void>;
  /** Removes a job here and in the coordinator (its flags, claims and history): no ghost schedule stays. */
  remove(name: string): Promise<void>;
  /** Stops scheduled slots of the job on every instance (a `trigger` still runs). */
  pause(name: string): Promise<void>;
  /** Undoes `pause`. */
  resume(name: string): Promise<void>;
  /** Switches the job off on every instance: no slot and no `trigger` runs. */
  disable(name: string): Promise<void>;
  /** Undoes `disable`. */
  enable(name: string): Promise<void>;
  /** Runs the job now (once, across instances), under its overlap policy. */
  trigger(name: string): Promise<TriggerResult>;
  /** Every job of this scheduler with its shared state. */
  list(): Promise<JobInfo[]>;
  /** Ended runs of a job, newest first. @default limit 20 */
  history(name: string, options?: { limit?: number }): Promise<RunRecord[]>;
  /** Handlers running past their timeout on this instance. */
  stuck(): StuckRun[];
  stats(): SchedulerStats;
  /** Stops scheduling, lets running jobs finish up to `closeTimeout`, then aborts them. */
  close(): Promise<void>;
}

interface Job {
  name: string;
  slots: Slots;
  handler: JobHandler;
  options: ResolvedJobOptions;
  /** Slots up to here were dispatched (or deliberately dropped). */
  cursor: number;
  timer: ClockTimer | undefined;
  removed: boolean;
  /** Whether slots of this job were buffered here, so each ended run looks for the next one. */
  buffers: boolean;
  missed: number;
  lastMissedAt: number | undefined;
}

// Node's timers hold at most 2^31 - 1 ms; a longer wait re-arms when it wakes.
const maxTimer = 2_147_483_647;

/** Creates a scheduler. */
export function createScheduler(options: SchedulerOptions = {}): Scheduler {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const clock = clockOption(options.clock, invalidOption);
  const log = loggerOption(options.logger, invalidOption);
  const coordinator = options.coordinator ?? memoryCoordinator({ clock });
  if (typeof coordinator?.claim !== 'function' || typeof coordinator.register !== 'function') {
    throw invalidOption(
      'coordinator',
      'must be a coordinator (memoryCoordinator(), postgresCoordinator({ pool }), redisCoordinator({ client }))',
    );
  }
  const timezone = options.timezone === undefined ? 'UTC' : checkTimezone(options.timezone, 'timezone');
  const lease = check.duration(options.lease, 'lease', { default: 30_000, min: 100 });
  const sweepInterval = check.duration(options.sweepInterval, 'sweepInterval', {
    default: Math.floor(lease / 2),
    positive: true,
  });
  const closeTimeout = check.duration(options.closeTimeout, 'closeTimeout', { default: 30_000 });
  const owner = check.string(
    options.instanceId,
    'instanceId',
    `${hostname()}-${process.pid}-${crypto.randomUUID().slice(0, 8)}`,
  );
  const random = check.optionalFunction<() => number>(options.random, 'random') ?? Math.random;

  const jobs = new Map<string, Job>();
  const active = new Set<ActiveRun>();
  const handlers: RunHost['handlers'] = new Set();
  const counters: RunCounters = {
    started: 0,
    succeeded: 0,
    failed: 0,
    timedOut: 0,
    retried: 0,
    aborted: 0,
    takeovers: 0,
  };
  const tally = { claimed: 0, taken: 0, skipped: 0, missed: 0, coordinatorErrors: 0 };
  let closing = false;
  let sweepTimer: ClockTimer | undefined;
  const host: RunHost = { coordinator, clock, log, owner, random, counters, handlers, closing: () => closing };

  const failed = (operation: string, error: unknown, job?: string) => {
    tally.coordinatorErrors++;
    log('error', { job, operation, err: errorText(error) }, `scheduler: coordinator ${operation} failed`);
    publish(schedulerChannels.error, () => ({ job, operation, error }));
  };
  const missed = (job: Job, slot: number, reason: 'catch-up' | 'coordinator') => {
    job.missed++;
    job.lastMissedAt = clock.now();
    tally.missed++;
    publish(schedulerChannels.missed, () => ({ job: job.name, slot, reason }));
  };
  const local = (name: string): Job => {
    const job = jobs.get(name);
    if (job === undefined) {
      throw new SchedulerError('ERR_SCHEDULER_UNKNOWN_JOB', `No job named ${JSON.stringify(name)} on this scheduler`, {
        status: 404,
      });
    }
    return job;
  };
  const assertOpen = () => {
    if (closing) throw new SchedulerError('ERR_SCHEDULER_CLOSED', 'The scheduler is closed');
  };

  const launch = (
    job: Job,
    claim: { slotId: string; slot: number; manual: boolean; runId: string; attempt: number },
  ) => {
    const run = startRun(host, job, claim);
    active.add(run);
    run.done.finally(() => {
      active.delete(run);
      if (job.buffers && !closing && !job.removed) void drain(job);
    });
    return run;
  };

  /** Claims a slot and starts it when this instance wins; returns what the coordinator decided. */
  const dispatch = async (
    job: Job,
    slot: number,
    manual: boolean,
    slotId?: string,
    runId: string = crypto.randomUUID(),
    overlap: OverlapPolicy = job.options.overlap,
  ): Promise<{ result: ClaimResult; run?: ActiveRun } | undefined> => {
    if (closing || job.removed) return undefined;
    const id = slotId ?? (manual ? `m-${runId}` : String(slot));
    let result: ClaimResult;
    try {
      result = await coordinator.claim({
        job: job.name,
        slotId: id,
        slot,
        manual,
        runId,
        owner,
        lease: job.options.lease,
        overlap,
      });
    } catch (error) {
      failed('claim', error, job.name);
      if (!manual) missed(job, slot, 'coordinator');
      throw new SchedulerError(
        'ERR_SCHEDULER_COORDINATOR',
        `job ${job.name}: the ${coordinator.kind} coordinator could not claim the slot`,
        { cause: error },
      );
    }
    if (result.status === 'claimed') {
      tally.claimed++;
      if (closing || job.removed) {
        // Claimed as close() began: hand it to another instance rather than start it.
        await coordinator
          .release({ job: job.name, slotId: id, runId, owner })
          .catch((error: unknown) => failed('release', error, job.name));
        return { result };
      }
      for (const run of active) {
        if (run.job === job.name && result.cancelled.includes(run.slotId)) {
          run.abort(
            new SchedulerError(
              'ERR_SCHEDULER_CANCELLED',
              `job ${job.name}: cancelled by a newer run (overlap: 'cancel-other')`,
            ),
          );
        }
      }
      if (result.attempt > 1) {
        counters.takeovers++;
        publish(schedulerChannels.takeover, () => ({ job: job.name, slot, runId, attempt: result.attempt }));
        log(
          'warn',
          { job: job.name, slot, runId, attempt: result.attempt },
          'scheduler: took over a run whose lease lapsed',
        );
      }
      return { result, run: launch(job, { slotId: id, slot, manual, runId, attempt: result.attempt }) };
    }
    if (result.status === 'buffered') {
      job.buffers = true;
    } else if (result.status === 'taken') {
      tally.taken++;
      publish(schedulerChannels.skip, () => ({ job: job.name, slot, reason: 'taken' }));
    } else if (result.status === 'unknown') {
      // Another instance removed the job: stop it here too, rather than keep a ghost schedule.
      log('warn', { job: job.name }, 'scheduler: the job was removed on another instance; stopping it here');
      stopJob(job);
      jobs.delete(job.name);
    } else {
      tally.skipped++;
      const reason = result.status === 'skipped' ? 'overlap' : result.status;
      publish(schedulerChannels.skip, () => ({ job: job.name, slot, reason }));
    }
    return { result };
  };

  /**
   * Runs missed slots one after another, then the slot due now (if any). Missed slots are claimed as
   * 'buffer-all' (unless the job allows overlap): when several instances start at once, a catch-up slot waits
   * in the coordinator for the run before it instead of being skipped because of it.
   */
  const runInOrder = async (job: Job, missedSlots: number[], current: number | undefined) => {
    const catchupOverlap: OverlapPolicy = job.options.overlap === 'allow-all' ? 'allow-all' : 'buffer-all';
    try {
      for (const slot of missedSlots) {
        const dispatched = await dispatch(job, slot, false, undefined, undefined, catchupOverlap);
        await dispatched?.run?.done;
      }
      if (current !== undefined) await dispatch(job, current, false);
    } catch {
      // Counted, logged and published as missed in dispatch.
    }
  };

  /** Runs the oldest buffered slot of the job when nothing of it is going. */
  const drain = async (job: Job) => {
    if (closing || job.removed) return;
    const runId = crypto.randomUUID();
    try {
      const next = await coordinator.next({ job: job.name, runId, owner, lease: job.options.lease });
      if (next === undefined) return;
      tally.claimed++;
      if (closing || job.removed) {
        await coordinator.release({ job: job.name, slotId: next.slotId, runId, owner });
        return;
      }
      launch(job, { slotId: next.slotId, slot: next.slot, manual: next.manual, runId, attempt: next.attempt });
    } catch (error) {
      failed('next', error, job.name);
    }
  };

  /** The missed slots in `(after, before)` that the catch-up policy runs, oldest first; the rest count as missed. */
  const catchUp = (job: Job, after: number, before: number, now: number): number[] => {
    const { catchup, catchupWindow, maxCatchup } = job.options;
    const floor = Math.max(after, now - catchupWindow - 1);
    const limit = catchup === 'all' ? maxCatchup : 1;
    const run = catchup === 'none' ? [] : job.slots.between(floor, before - 1, limit);
    // Counting every dropped slot of a long outage is not worth walking a per-second cron: a bounded count.
    const dropped = job.slots.between(after, before - 1, 1_000).filter((slot) => !run.includes(slot));
    for (const slot of dropped) missed(job, slot, 'catch-up');
    return run;
  };

  const arm = (job: Job) => {
    if (closing || job.removed) return;
    const next = job.slots.next(job.cursor);
    if (next === undefined) return;
    const delay = Math.min(maxTimer, Math.max(0, next - clock.now()));
    job.timer = clock.setTimeout(() => tick(job), delay);
  };

  const tick = (job: Job) => {
    job.timer = undefined;
    if (closing || job.removed) return;
    const now = clock.now();
    const current = job.slots.previous(now);
    if (current === undefined || current <= job.cursor) {
      arm(job);
      return;
    }
    const after = job.cursor;
    job.cursor = current;
    arm(job);
    // Slots between the last one dispatched and this one passed while the loop was stalled: catch-up decides.
    const late = job.slots.next(after) === current ? [] : catchUp(job, after, current, now);
    void runInOrder(job, late, current);
  };

  const stopJob = (job: Job) => {
    job.removed = true;
    clock.clearTimeout(job.timer);
    job.timer = undefined;
  };

  const sweep = async () => {
    sweepTimer = undefined;
    if (closing) return;
    try {
      const names = [...jobs.keys()];
      if (names.length > 0) {
        const found = await coordinator.orphans(names);
        for (const orphan of found) {
          const job = jobs.get(orphan.job);
          if (job === undefined || closing) continue;
          if (orphan.buffered) {
            void drain(job);
          } else if (![...active].some((run) => run.job === orphan.job && run.slotId === orphan.slotId)) {
            await dispatch(job, orphan.slot, orphan.manual, orphan.slotId).catch(() => {
              // Counted and logged in dispatch; the next sweep tries again.
            });
          }
        }
      }
    } catch (error) {
      failed('orphans', error);
    }
    if (!closing) sweepTimer = clock.setTimeout(() => void sweep(), sweepInterval);
  };
  sweepTimer = clock.setTimeout(() => void sweep(), sweepInterval);

  const control = async (name: string, flags: { paused?: boolean; enabled?: boolean }) => {
    local(name);
    let known: boolean;
    try {
      known = await coordinator.control(name, flags);
    } catch (error) {
      failed('control', error, name);
      throw new SchedulerError(
        'ERR_SCHEDULER_COORDINATOR',
        `job ${name}: the ${coordinator.kind} coordinator could not change its flags`,
        { cause: error },
      );
    }
    if (!known)
      throw new SchedulerError('ERR_SCHEDULER_UNKNOWN_JOB', `No job named ${JSON.stringify(name)} in the coordinator`, {
        status: 404,
      });
  };

  const close = closeOnce(async () => {
    closing = true;
    clock.clearTimeout(sweepTimer);
    for (const job of jobs.values()) {
      clock.clearTimeout(job.timer);
      job.timer = undefined;
    }
    for (const run of active) run.interrupt();
    const finished = Promise.all([...active].map((run) => run.done));
    try {
      await withDeadline(
        finished,
        closeTimeout,
        clock,
        () => new SchedulerError('ERR_SCHEDULER_CLOSED', 'close timeout'),
      );
    } catch {
      const reason = new SchedulerError(
        'ERR_SCHEDULER_CLOSED',
        `The scheduler closed: the run outlived closeTimeout (${closeTimeout} ms)`,
      );
      for (const run of active) run.abort(reason);
      await Promise.all([...active].map((run) => run.done));
    }
  });

  return {
    add(name, schedule, handler, jobOptions) {
      assertOpen();
      checkJobName(name);
      if (typeof handler !== 'function') throw invalidOption('handler', 'expected a function');
      const resolved = resolveJobOptions(jobOptions, { timezone, lease, retention: coordinator.retention });
      const slots = parseSchedule(schedule, resolved.timezone);
      if (slots.kind === 'cron' && slots.next(clock.now()) === undefined) {
        throw new SchedulerError(
          'ERR_SCHEDULER_INVALID_SCHEDULE',
          `Invalid schedule ${JSON.stringify(schedule)}: it never runs`,
        );
      }
      const previous = jobs.get(name);
      if (previous !== undefined) stopJob(previous);
      const job: Job = {
        name,
        slots,
        handler,
        options: resolved,
        cursor: clock.now(),
        timer: undefined,
        removed: false,
        buffers: resolved.overlap.startsWith('buffer'),
        missed: 0,
        lastMissedAt: undefined,
      };
      jobs.set(name, job);
      const definition = {
        schedule: slots.text,
        kind: slots.kind,
        timezone: slots.timezone ?? null,
        overlap: resolved.overlap,
        catchup: resolved.catchup,
      };
      return coordinator.register(name, definition).then(
        (state) => {
          if (job.removed || closing) return;
          const now = clock.now();
          // Catch up only from when the job was first known (Graphile's rule), or the last slot anyone claimed.
          const from = Math.max(state.lastSlot ?? Number.NEGATIVE_INFINITY, state.knownSince);
          job.cursor = now;
          arm(job);
          if (from < now) void runInOrder(job, catchUp(job, from, now + 1, now), undefined);
        },
        (error: unknown) => {
          if (jobs.get(name) === job) jobs.delete(name);
          failed('register', error, name);
          throw new SchedulerError(
            'ERR_SCHEDULER_COORDINATOR',
            `job ${name}: the ${coordinator.kind} coordinator could not register it`,
            { cause: error },
          );
        },
      );
    },
    async remove(name) {
      const job = local(name);
      stopJob(job);
      jobs.delete(name);
      try {
        await coordinator.unregister(name);
      } catch (error) {
        failed('unregister', error, name);
        throw new SchedulerError(
          'ERR_SCHEDULER_COORDINATOR',
          `job ${name}: the ${coordinator.kind} coordinator could not remove it`,
          { cause: error },
        );
      }
    },
    pause: (name) => control(name, { paused: true }),
    resume: (name) => control(name, { paused: false }),
    disable: (name) => control(name, { enabled: false }),
    enable: (name) => control(name, { enabled: true }),
    async trigger(name) {
      assertOpen();
      const job = local(name);
      const runId = crypto.randomUUID();
      const dispatched = await dispatch(job, clock.now(), true, undefined, runId);
      if (dispatched === undefined) assertOpen();
      const result = dispatched?.result;
      if (result?.status === 'disabled') {
        throw new SchedulerError('ERR_SCHEDULER_JOB_DISABLED', `job ${name} is disabled`, { status: 409 });
      }
      if (result?.status === 'unknown' || result === undefined) {
        throw new SchedulerError(
          'ERR_SCHEDULER_UNKNOWN_JOB',
          `No job named ${JSON.stringify(name)} in the coordinator`,
          { status: 404 },
        );
      }
      return {
        runId,
        status: result.status === 'claimed' ? 'claimed' : result.status === 'buffered' ? 'buffered' : 'skipped',
      };
    },
    async list() {
      const names = [...jobs.keys()];
      let states: Awaited<ReturnType<Coordinator['status']>>;
      try {
        states = await coordinator.status(names);
      } catch (error) {
        failed('status', error);
        throw new SchedulerError(
          'ERR_SCHEDULER_COORDINATOR',
          `the ${coordinator.kind} coordinator could not list the jobs`,
          { cause: error },
        );
      }
      const byName = new Map(states.map((state) => [state.job, state]));
      const now = clock.now();
      return names.flatMap((name): JobInfo[] => {
        const job = jobs.get(name);
        if (job === undefined) return [];
        const state = byName.get(name);
        const next = job.slots.next(Math.max(job.cursor, now - 1));
        return [
          {
            name,
            schedule: job.slots.text,
            kind: job.slots.kind,
            timezone: job.slots.timezone,
            overlap: job.options.overlap,
            paused: state?.paused ?? false,
            enabled: state?.enabled ?? true,
            nextRun: next === undefined ? undefined : new Date(next),
            lastRun: state?.lastRun,
            lastStatus: state?.lastRun?.outcome,
            running: state?.running ?? 0,
            missed: job.missed,
            lastMissedAt: job.lastMissedAt === undefined ? undefined : new Date(job.lastMissedAt),
          },
        ];
      });
    },
    async history(name, historyOptions = {}) {
      local(name);
      const limit = check.number(historyOptions.limit, 'limit', { default: 20, min: 1, integer: true });
      try {
        return await coordinator.history(name, limit);
      } catch (error) {
        failed('history', error, name);
        throw new SchedulerError(
          'ERR_SCHEDULER_COORDINATOR',
          `job ${name}: the ${coordinator.kind} coordinator could not read its history`,
          { cause: error },
        );
      }
    },
    stuck() {
      const now = clock.now();
      return [...handlers].flatMap((handler) =>
        handler.deadline !== undefined && handler.deadline <= now
          ? [{ job: handler.job, runId: handler.runId, overdueMs: now - handler.deadline }]
          : [],
      );
    },
    stats: () => ({ jobs: jobs.size, running: active.size, ...counters, ...tally }),
    close,
    [Symbol.asyncDispose]: close,
  };
}
