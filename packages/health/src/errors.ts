/** Stable codes of `HealthError`; part of the public API. */
export type HealthErrorCode = 'ERR_HEALTH_INVALID_OPTION';

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
