import { InfraError, invalidOptionMessage, type OptionChecks, optionChecks } from '../../../internal/src/index.ts';

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
export class HttpStatusError extends InfraError<HttpStatusErrorCode> {
  override name = 'HttpStatusError';
}

/** `ERR_HTTP_STATUS_INVALID_OPTION` naming `option`, in the kernel's one invalid-option message form. */
export function invalidOption(option: string, problem: string): HttpStatusError {
  return new HttpStatusError('ERR_HTTP_STATUS_INVALID_OPTION', invalidOptionMessage(option, problem));
}

/** The kernel's option checks, throwing `ERR_HTTP_STATUS_INVALID_OPTION`. */
export const checks: OptionChecks = optionChecks(invalidOption);
