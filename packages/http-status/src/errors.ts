/** Stable codes of `HttpStatusError`; part of the public API. */
export type HttpStatusErrorCode = 'ERR_HTTP_STATUS_INVALID_OPTION';

/** Base class of every error `@infra/http-status` throws. */
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
