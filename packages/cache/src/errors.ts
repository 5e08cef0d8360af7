import { InfraError, type InfraErrorOptions, invalidOptionMessage, optionChecks } from '../../../internal/src/index.ts';

/** Stable codes of `CacheError`; part of the public API. */
export type CacheErrorCode =
  /** An option (of a factory, a driver or a call) is missing or wrong; thrown at once, naming the option. */
  | 'ERR_CACHE_INVALID_OPTION'
  // cache
  /** A key is not a non-empty string of at most 1,024 characters, or uses the reserved prefix. */
  | 'ERR_CACHE_INVALID_KEY'
  /** A factory did not finish within its hard timeout (status 504). */
  | 'ERR_CACHE_FACTORY_TIMEOUT'
  /** A value could not be serialised for L2. */
  | 'ERR_CACHE_SERIALIZATION'
  /** The cache, limiter or locker was closed. */
  | 'ERR_CACHE_CLOSED'
  /** A store (L2, lock store) did not answer or failed (status 503 where thrown). */
  | 'ERR_CACHE_STORE_UNAVAILABLE'
  // rate limiter
  /** A `cost` that is not a positive integer, or more than the smallest rule allows. */
  | 'ERR_CACHE_INVALID_COST'
  /** The rate-limit store failed or timed out (carried on results decided by `onStoreError`). */
  | 'ERR_CACHE_RATE_LIMIT_STORE'
  // lock
  /** Every try to take a lock found it held (status 409). */
  | 'ERR_CACHE_LOCK_NOT_ACQUIRED'
  /** A lease expired or was taken over while it was relied on. */
  | 'ERR_CACHE_LOCK_LOST';

/** Base class of every error `@infra/cache` throws; recognised across copies by `isInfraError`. */
export class CacheError extends InfraError<CacheErrorCode> {
  override name = 'CacheError';

  constructor(code: CacheErrorCode, message: string, options?: InfraErrorOptions) {
    super(code, message, options);
  }
}

/** The error every bad option throws, in the kernel's one message form (naming the option, then the problem). */
export function invalidOption(option: string, problem: string): CacheError {
  return new CacheError('ERR_CACHE_INVALID_OPTION', invalidOptionMessage(option, problem));
}

/** The kernel's option checks, throwing {@link invalidOption}. */
export const checks = optionChecks(invalidOption);
