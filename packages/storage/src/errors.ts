import {
  InfraError,
  type InfraErrorOptions,
  invalidOptionMessage,
  isInfraError,
  type OptionChecks,
  optionChecks,
} from '../../../internal/src/index.ts';

/** Stable codes of `StorageError`; part of the public API. */
export type StorageErrorCode =
  | 'ERR_STORAGE_INVALID_OPTION'
  | 'ERR_STORAGE_INVALID_ARGUMENT'
  | 'ERR_STORAGE_INVALID_KEY'
  | 'ERR_STORAGE_NOT_FOUND'
  | 'ERR_STORAGE_CONFLICT'
  | 'ERR_STORAGE_TOO_LARGE'
  | 'ERR_STORAGE_TYPE_NOT_ALLOWED'
  | 'ERR_STORAGE_INVALID_RANGE'
  | 'ERR_STORAGE_CHECKSUM_MISMATCH'
  | 'ERR_STORAGE_INVALID_SIGNATURE'
  | 'ERR_STORAGE_URL_EXPIRED'
  | 'ERR_STORAGE_UNSUPPORTED'
  | 'ERR_STORAGE_ABORTED'
  | 'ERR_STORAGE_BODY_FAILED'
  | 'ERR_STORAGE_CLOSED'
  | 'ERR_STORAGE_DRIVER';

/** The HTTP status each code answers with, where one is natural (`@infra/http-status` reads `status`). */
export const storageErrorStatus: Readonly<Partial<Record<StorageErrorCode, number>>> = {
  ERR_STORAGE_INVALID_ARGUMENT: 400,
  ERR_STORAGE_INVALID_KEY: 400,
  ERR_STORAGE_BODY_FAILED: 400,
  ERR_STORAGE_NOT_FOUND: 404,
  ERR_STORAGE_CONFLICT: 409,
  ERR_STORAGE_TOO_LARGE: 413,
  ERR_STORAGE_TYPE_NOT_ALLOWED: 415,
  ERR_STORAGE_INVALID_RANGE: 416,
  ERR_STORAGE_INVALID_SIGNATURE: 403,
  ERR_STORAGE_URL_EXPIRED: 403,
  ERR_STORAGE_UNSUPPORTED: 501,
  ERR_STORAGE_CLOSED: 503,
  ERR_STORAGE_DRIVER: 502,
};

/** Base class of every error `@infra/storage` throws; `status` follows {@link storageErrorStatus}. */
export class StorageError extends InfraError<StorageErrorCode> {
  override name = 'StorageError';

  constructor(code: StorageErrorCode, message: string, options?: InfraErrorOptions) {
    const status = options?.status ?? storageErrorStatus[code];
    super(code, message, { ...options, ...(status === undefined ? {} : { status }) });
  }
}

/** Whether `error` is a `StorageError` with `code` (works across copies of the package, by code and mark). */
export function isStorageError(error: unknown, code?: StorageErrorCode): error is StorageError {
  return isInfraError(error) && error.code.startsWith('ERR_STORAGE_') && (code === undefined || error.code === code);
}

/** The error every bad option throws: names the option and says what was wrong. */
export function invalidOption(option: string, problem: string): StorageError {
  return new StorageError('ERR_STORAGE_INVALID_OPTION', invalidOptionMessage(option, problem));
}

/** The option checks of `@infra/storage`, all throwing `ERR_STORAGE_INVALID_OPTION`. */
export const check: OptionChecks = optionChecks(invalidOption);
