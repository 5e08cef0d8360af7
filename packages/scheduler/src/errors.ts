import {
  InfraError,
  type InfraErrorOptions,
  invalidOptionMessage,
  type OptionChecks,
  optionChecks,
} from '../../../internal/src/index.ts';

/** Stable codes of `SchedulerError`; part of the public API. */
export type SchedulerErrorCode =
  /** A bad option of `createScheduler`, `add` or a coordinator. */
  | 'ERR_SCHEDULER_INVALID_OPTION'
  /** A schedule that is not a cron expression, a duration or a date; or an unknown timezone. */
  | 'ERR_SCHEDULER_INVALID_SCHEDULE'
  /** A job name that is not registered on this scheduler. */
  | 'ERR_SCHEDULER_UNKNOWN_JOB'
  /** `trigger` of a disabled job. */
  | 'ERR_SCHEDULER_JOB_DISABLED'
  /** The scheduler is closing or closed: nothing new starts. */
  | 'ERR_SCHEDULER_CLOSED'
  /** A run outlived its `timeout`: its signal's reason. */
  | 'ERR_SCHEDULER_TIMEOUT'
  /** A run was cancelled by a newer run of the same job (`overlap: 'cancel-other'`): its signal's reason. */
  | 'ERR_SCHEDULER_CANCELLED'
  /** This instance's lease on a run lapsed and another instance took the run over: its signal's reason. */
  | 'ERR_SCHEDULER_LEASE_LOST'
  /** The coordinator could not be reached or answered wrongly. */
  | 'ERR_SCHEDULER_COORDINATOR';

/** Base class of every error `@infra/scheduler` throws. */
export class SchedulerError extends InfraError<SchedulerErrorCode> {
  override name = 'SchedulerError';

  constructor(code: SchedulerErrorCode, message: string, options?: InfraErrorOptions) {
    super(code, message, options);
  }
}

/** The error every bad option throws: names the option and says what was wrong. */
export function invalidOption(option: string, problem: string): SchedulerError {
  return new SchedulerError('ERR_SCHEDULER_INVALID_OPTION', invalidOptionMessage(option, problem));
}

/** The option checks of `@infra/scheduler`, all throwing `ERR_SCHEDULER_INVALID_OPTION`. */
export const check: OptionChecks = optionChecks(invalidOption);

/** A job name as every coordinator keys it: letters, digits, `.`, `_`, `-`, `:`; at most 200 characters. */
const jobName = /^[A-Za-z0-9._:-]{1,200}$/;

/** Checks a job name; the characters are limited so it is safe in a Redis hash tag and a log line. */
export function checkJobName(name: unknown): string {
  if (typeof name !== 'string' || !jobName.test(name)) {
    throw invalidOption('name', `expected 1-200 letters, digits, '.', '_', '-' or ':', got ${JSON.stringify(name)}`);
  }
  return name;
}

/** A short text of an error for history and logs (the message only, never a stack). */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message.slice(0, 1000);
  return String(error).slice(0, 1000);
}
