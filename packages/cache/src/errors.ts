/** Stable codes of `CacheError`; part of the public API. */
export type CacheErrorCode = 'ERR_CACHE_INVALID_OPTION';

/** Base class of every error `@infra/cache` throws. */
export class CacheError extends Error {
  override name = 'CacheError';
  /** Stable, documented code; match on this, not on the message. */
  readonly code: CacheErrorCode;
  /** HTTP status an app would answer with, where one is natural. */
  readonly status: number | undefined;

  constructor(code: CacheErrorCode, message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options?.status;
  }
}
