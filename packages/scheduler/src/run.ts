/**
 * One claimed run on this instance: its attempts, each with a timeout on the clock, back-off between them, and
 * the lease renewed every third of its length until the run is recorded. A run ends in exactly one of:
 * recorded (`complete`), released for another instance (close with attempts left), or lost (another instance
 * took it over after our lease lapsed: nothing is recorded, the other instance records it).
 */
import type { Clock, ClockTimer, Log, Logger } from '../../../internal/src/index.ts';
import { publish, withDeadline } from '../../../internal/src/index.ts';
import { schedulerChannels } from './channels.ts';
import type { Coordinator, RunOutcome } from './coordinator.ts';
import { errorText, SchedulerError } from './errors.ts';
import { backoffDelay, type ResolvedJobOptions } from './options.ts';

/** What a handler gets. */
export interface RunContext {
  /** Aborted when the attempt times out, is cancelled by a newer run (`cancel-other`), loses its lease, or the scheduler closes past its `closeTimeout`; `reason` is a `SchedulerError`. */
  signal: AbortSignal;
  /** The scheduled time of this run (for a `trigger`, when it was triggered). */
  slot: Date;
  /** 1 for the first attempt; retries and takeovers count up. */
  attempt: number;
  /** The same for every attempt of this slot on this instance. */
  runId: string;
  /** The job's name. */
  job: string;
  /** Whether `trigger` started this run. */
  manual: boolean;
  /** The scheduler's logger with `{ job, runId, attempt }` bound. */
  logger: Logger;
}

/** A job's handler; a rejected promise or a throw fails the attempt. */
export type JobHandler = (context: RunContext) => unknown;

/** The counters a run moves. */
export interface RunCounters {
  started: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  retried: number;
  aborted: number;
  takeovers: number;
}

/** What a run needs from its scheduler. */
export interface RunHost {
  readonly coordinator: Coordinator;
  readonly clock: Clock;
  readonly log: Log;
  readonly owner: string;
  readonly random: () => number;
  readonly counters: RunCounters;
  /** Handlers still running, with the time their attempt's timeout passed (stuck once it has). */
  readonly handlers: Set<{ job: string; runId: string; deadline: number | undefined }>;
  closing(): boolean;
}

/** The job a run belongs to. */
export interface RunJob {
  readonly name: string;
  readonly handler: JobHandler;
  readonly options: ResolvedJobOptions;
}

/** A run on this instance. */
export interface ActiveRun {
  readonly job: string;
  readonly slotId: string;
  readonly runId: string;
  /** Aborts the current attempt (and any retry) with `reason`. */
  abort(reason: SchedulerError): void;
  /** Ends a back-off wait now (the scheduler is closing: the retry is released, not run). */
  interrupt(): void;
  /** Settles when the run is recorded, released or lost. */
  readonly done: Promise<void>;
}

type AttemptEnd =
  | { kind: 'ok' }
  | { kind: 'error'; error: unknown; timedOut: boolean }
  | { kind: 'aborted'; reason: SchedulerError };

/** Starts a claimed run; `attempt` is where it starts (above 1 after a takeover). */
export function startRun(
  host: RunHost,
  job: RunJob,
  claim: { slotId: string; slot: number; manual: boolean; runId: string; attempt: number },
): ActiveRun {
  const { coordinator, clock, log, owner } = host;
  const { options } = job;
  const ref = { job: job.name, slotId: claim.slotId, runId: claim.runId, owner };
  let attempt = claim.attempt;
  let stopReason: SchedulerError | undefined;
  let current: AbortController | undefined;
  let wake: (() => void) | undefined;
  let renewTimer: ClockTimer | undefined;
  let finished = false;

  const abort = (reason: SchedulerError) => {
    stopReason ??= reason;
    current?.abort(reason);
    wake?.();
  };

  const renewEvery = Math.max(1, Math.floor(options.lease / 3));
  const renew = () => {
    renewTimer = undefined;
    if (finished) return;
    coordinator.renew({ ...ref, lease: options.lease, attempt }).then(
      (answer) => {
        if (answer === 'lost') {
          abort(
            new SchedulerError(
              'ERR_SCHEDULER_LEASE_LOST',
              `job ${job.name}: the lease lapsed and another instance took the run over`,
            ),
          );
        } else if (answer === 'cancelled') {
          abort(
            new SchedulerError(
              'ERR_SCHEDULER_CANCELLED',
              `job ${job.name}: cancelled by a newer run (overlap: 'cancel-other')`,
            ),
          );
        }
      },
      (error: unknown) => {
        log('warn', { job: job.name, runId: claim.runId, err: errorText(error) }, 'scheduler: lease renewal failed');
        publish(schedulerChannels.error, () => ({ job: job.name, operation: 'renew', error }));
      },
    );
    if (!finished) renewTimer = clock.setTimeout(renew, renewEvery);
  };
  renewTimer = clock.setTimeout(renew, renewEvery);

  const logger = boundLogger(log, { job: job.name, runId: claim.runId });

  const runAttempt = async (): Promise<AttemptEnd> => {
    const controller = new AbortController();
    current = controller;
    if (stopReason !== undefined) return { kind: 'aborted', reason: stopReason };
    const startedAt = clock.now();
    host.counters.started++;
    publish(schedulerChannels['run-start'], () => ({
      job: job.name,
      slot: claim.slot,
      runId: claim.runId,
      attempt,
      manual: claim.manual,
      latenessMs: startedAt - claim.slot,
    }));
    const tracked = {
      job: job.name,
      runId: claim.runId,
      deadline: options.timeout === undefined ? undefined : startedAt + options.timeout,
    };
    host.handlers.add(tracked);
    const context: RunContext = {
      signal: controller.signal,
      slot: new Date(claim.slot),
      attempt,
      runId: claim.runId,
      job: job.name,
      manual: claim.manual,
      logger,
    };
    const handled = Promise.resolve()
      .then(() => job.handler(context))
      .finally(() => host.handlers.delete(tracked));
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    let end: AttemptEnd;
    try {
      await withDeadline(
        Promise.race([handled, aborted]),
        options.timeout ?? Number.POSITIVE_INFINITY,
        clock,
        () =>
          new SchedulerError(
            'ERR_SCHEDULER_TIMEOUT',
            `job ${job.name}: attempt ${attempt} ran past its timeout of ${options.timeout} ms`,
          ),
      );
      end = { kind: 'ok' };
    } catch (error) {
      if (error instanceof SchedulerError && error.code === 'ERR_SCHEDULER_TIMEOUT') {
        controller.abort(error);
        end = { kind: 'error', error, timedOut: true };
      } else if (controller.signal.aborted && error === controller.signal.reason) {
        end = { kind: 'aborted', reason: error as SchedulerError };
      } else {
        end = { kind: 'error', error, timedOut: false };
      }
    }
    // A handler that ignores its signal keeps running; it stays in `handlers` (stuck) until it settles.
    handled.catch(() => {});
    const durationMs = clock.now() - startedAt;
    publish(schedulerChannels['run-end'], () => ({
      job: job.name,
      slot: claim.slot,
      runId: claim.runId,
      attempt,
      outcome: outcomeName(end),
      durationMs,
      ...(end.kind === 'error' ? { error: end.error } : end.kind === 'aborted' ? { error: end.reason } : {}),
    }));
    return end;
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = clock.setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clock.clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });

  const record = async (outcome: Exclude<RunOutcome, 'skipped'>, error?: unknown) => {
    try {
      const kept = await coordinator.complete({
        ...ref,
        outcome,
        attempt,
        ...(error === undefined ? {} : { error: errorText(error) }),
      });
      if (!kept)
        log('warn', { job: job.name, runId: claim.runId }, 'scheduler: the run was taken over before it was recorded');
    } catch (cause) {
      log('error', { job: job.name, runId: claim.runId, err: errorText(cause) }, 'scheduler: could not record the run');
      publish(schedulerChannels.error, () => ({ job: job.name, operation: 'complete', error: cause }));
    }
  };

  const release = async () => {
    try {
      await coordinator.release(ref);
    } catch (cause) {
      // The lease lapses by itself; releasing only lets another instance start sooner.
      log('warn', { job: job.name, runId: claim.runId, err: errorText(cause) }, 'scheduler: could not release the run');
    }
  };

  const loop = async () => {
    if (attempt > options.maxAttempts) {
      // Taken over after the previous owner's last attempt: the budget is spent, so record the failure.
      await record(
        'failed',
        new SchedulerError('ERR_SCHEDULER_LEASE_LOST', `job ${job.name}: the owner's lease lapsed on its last attempt`),
      );
      host.counters.failed++;
      return;
    }
    for (;;) {
      const end = await runAttempt();
      if (end.kind === 'ok') {
        host.counters.succeeded++;
        await record('succeeded');
        return;
      }
      if (end.kind === 'aborted') {
        host.counters.aborted++;
        const code = end.reason.code;
        if (code === 'ERR_SCHEDULER_LEASE_LOST') return;
        if (code === 'ERR_SCHEDULER_CLOSED' && attempt < options.maxAttempts) {
          await release();
          return;
        }
        await record('aborted', end.reason);
        return;
      }
      if (end.timedOut) host.counters.timedOut++;
      if (attempt >= options.maxAttempts) {
        host.counters.failed++;
        log(
          'error',
          { job: job.name, runId: claim.runId, attempt, err: errorText(end.error) },
          'scheduler: run failed',
        );
        await record('failed', end.error);
        return;
      }
      const delayMs = backoffDelay(options.backoff, attempt, host.random);
      host.counters.retried++;
      log(
        'warn',
        { job: job.name, runId: claim.runId, attempt, delayMs, err: errorText(end.error) },
        'scheduler: attempt failed, retrying',
      );
      publish(schedulerChannels.retry, () => ({
        job: job.name,
        slot: claim.slot,
        runId: claim.runId,
        attempt,
        delayMs,
      }));
      await sleep(delayMs);
      if (stopReason !== undefined || host.closing()) {
        // Closing during back-off: no attempt starts after close() began; another instance may retry it.
        if (stopReason?.code === 'ERR_SCHEDULER_LEASE_LOST') return;
        await release();
        return;
      }
      attempt++;
    }
  };

  const done = loop().finally(() => {
    finished = true;
    clock.clearTimeout(renewTimer);
  });
  return { job: job.name, slotId: claim.slotId, runId: claim.runId, abort, interrupt: () => wake?.(), done };
}

function outcomeName(end: AttemptEnd): string {
  if (end.kind === 'ok') return 'succeeded';
  if (end.kind === 'error') return end.timedOut ? 'timed-out' : 'failed';
  const code = end.reason.code;
  return code === 'ERR_SCHEDULER_CANCELLED'
    ? 'cancelled'
    : code === 'ERR_SCHEDULER_LEASE_LOST'
      ? 'lease-lost'
      : 'aborted';
}

/** A `Logger` that logs through `log` with `bindings` merged into each line. */
export function boundLogger(log: Log, bindings: object): Logger {
  return {
    debug: (obj, msg) => log('debug', { ...bindings, ...obj }, msg ?? ''),
    info: (obj, msg) => log('info', { ...bindings, ...obj }, msg ?? ''),
    warn: (obj, msg) => log('warn', { ...bindings, ...obj }, msg ?? ''),
    error: (obj, msg) => log('error', { ...bindings, ...obj }, msg ?? ''),
  };
}
