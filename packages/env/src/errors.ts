/** Stable codes of `EnvError`; part of the public API. */
export type EnvErrorCode = 'ERR_ENV_INVALID_OPTION';

/** Base class of every error `@infra/env` throws. */
export class EnvError extends Error {
  override name = 'EnvError';
  /** Stable, documented code; match on this, not on the message. */
  readonly code: EnvErrorCode;
  /** HTTP status an app would answer with, where one is natural. */
  readonly status: number | undefined;

  constructor(code: EnvErrorCode, message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options?.status;
  }
}
