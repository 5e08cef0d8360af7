/** Stable codes of `HttpStatusError`; part of the public API. */
export type HttpStatusErrorCode =
  /** An option or argument had the wrong type or value; the message names it. */
  | 'ERR_HTTP_STATUS_INVALID_OPTION'
  /** A status code outside the range a call accepts (e.g. `new HttpError(200)`). */
  | 'ERR_HTTP_STATUS_INVALID_STATUS'
  /** `HttpError.fromProblem` was given something that is not a problem details object. */
  | 'ERR_HTTP_STATUS_INVALID_PROBLEM';

/**
 * Base class of every error `@infra/http-status` throws. These are programming errors (a bad
 * argument), not HTTP answers: an `HttpError` is what an app throws to answer a request.
 */
export class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  /** Stable, documented code; match on this, not on the message. */
  readonly code: HttpStatusErrorCode;
  /** HTTP status an app would answer with, where one is natural. */
  readonly status: number | undefined;

  constructor(code: HttpStatusErrorCode, message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options?.status;
  }
}

/** Throws `ERR_HTTP_STATUS_INVALID_OPTION` naming `option`. */
export function invalidOption(option: string, problem: string): never {
  throw new HttpStatusError('ERR_HTTP_STATUS_INVALID_OPTION', `${option}: ${problem}`);
}
