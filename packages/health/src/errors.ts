/** Stable codes of `HealthError`; part of the public API. */
export type HealthErrorCode =
  /** An option passed to a factory or `register` is missing or wrong; thrown at once, naming the option. */
  | 'ERR_HEALTH_INVALID_OPTION'
  /** `register` was called twice with the same name. */
  | 'ERR_HEALTH_DUPLICATE_CHECK'
  /** A check ran past its `timeoutMs`; it fails and its `AbortSignal` is aborted with this error. */
  | 'ERR_HEALTH_CHECK_TIMEOUT'
  /** A shutdown hook ran past its `timeoutMs`; its `AbortSignal` is aborted with this error. */
  | 'ERR_HEALTH_HOOK_TIMEOUT'
  /** The health instance was closed; it runs no more checks. */
  | 'ERR_HEALTH_CLOSED';

/** Base class of every error `@infra/health` throws. */
export class HealthError extends Error {
  override name = 'HealthError';
  /** Stable, documented code; match on this, not on the message. */
  readonly code: HealthErrorCode;
  /** HTTP status an app would answer with, where one is natural. */
  readonly status: number | undefined;

  constructor(code: HealthErrorCode, message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options?.status;
  }
}

/** The error every bad option throws: names the option and says what was wrong. */
export function invalidOption(option: string, problem: string): HealthError {
  return new HealthError('ERR_HEALTH_INVALID_OPTION', `Invalid option "${option}": ${problem}`);
}
