import { InfraError, type InfraErrorOptions, invalidOptionMessage, optionChecks } from '../../../internal/src/index.ts';

/** Stable codes of `HealthError`; part of the public API. */
export type HealthErrorCode =
  /** An option passed to a factory or `register` is missing or wrong; thrown at once, naming the option. */
  | 'ERR_HEALTH_INVALID_OPTION'
  /** `register` was called twice with the same name. */
  | 'ERR_HEALTH_DUPLICATE_CHECK'
  /** A check ran past its `timeout`; it fails and its `AbortSignal` is aborted with this error. */
  | 'ERR_HEALTH_CHECK_TIMEOUT'
  /** A shutdown hook ran past its `timeout`; its `AbortSignal` is aborted with this error. */
  | 'ERR_HEALTH_HOOK_TIMEOUT'
  /** The health instance was closed; it runs no more checks. */
  | 'ERR_HEALTH_CLOSED';

/** Base class of every error `@infra/health` throws; recognised across copies by the kernel's `isInfraError`. */
export class HealthError extends InfraError<HealthErrorCode> {
  override name = 'HealthError';

  constructor(code: HealthErrorCode, message: string, options?: InfraErrorOptions) {
    super(code, message, options);
  }
}

/** The error every bad option throws, worded by the kernel's `invalidOptionMessage`. */
export function invalidOption(option: string, problem: string): HealthError {
  return new HealthError('ERR_HEALTH_INVALID_OPTION', invalidOptionMessage(option, problem));
}

/** The kernel's option checks, throwing {@link invalidOption}. */
export const checks = optionChecks(invalidOption);
