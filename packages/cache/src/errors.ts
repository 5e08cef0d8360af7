/** Stable codes of `CacheError`; part of the public API. */
export type CacheErrorCode =
  | 'ERR_CACHE_INVALID_OPTION'
  // cache
  | 'ERR_CACHE_INVALID_KEY'
  | 'ERR_CACHE_FACTORY_TIMEOUT'
  | 'ERR_CACHE_SERIALIZATION'
  | 'ERR_CACHE_CLOSED'
  | 'ERR_CACHE_STORE_UNAVAILABLE'
  // rate limiter
  | 'ERR_CACHE_INVALID_COST'
  | 'ERR_CACHE_RATE_LIMIT_STORE'
  // lock
  | 'ERR_CACHE_LOCK_NOT_ACQUIRED'
  | 'ERR_CACHE_LOCK_LOST';

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
