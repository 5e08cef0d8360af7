// What several drivers share: the contract's errors and range arithmetic, said one way.
import type { ByteRange } from './driver.ts';
import { StorageError } from './errors.ts';

/** `ERR_STORAGE_NOT_FOUND` for `key`. */
export function notFound(key: string): StorageError {
  return new StorageError('ERR_STORAGE_NOT_FOUND', `No object at "${key}"`);
}

/** `ERR_STORAGE_CONFLICT` for `key`. */
export function conflict(key: string): StorageError {
  return new StorageError('ERR_STORAGE_CONFLICT', `An object already exists at "${key}"`);
}

/** `ERR_STORAGE_INVALID_RANGE`: a range that starts at or past the end of an object of `size` bytes. */
export function rangeNotSatisfiable(key: string, start: number, size: number): StorageError {
  return new StorageError('ERR_STORAGE_INVALID_RANGE', `Range starts at byte ${start} but "${key}" has ${size} bytes`);
}

/** The slice of `size` bytes that `range` serves (the end clipped to the object), or `ERR_STORAGE_INVALID_RANGE`. */
export function resolveRange(
  key: string,
  size: number,
  range: ByteRange | undefined,
): { start: number; end: number } | undefined {
  if (range === undefined) return undefined;
  if (range.start >= size) throw rangeNotSatisfiable(key, range.start, size);
  return { start: range.start, end: Math.min(range.end ?? size - 1, size - 1) };
}

/** `lastModified` as stores keep it: whole seconds (S3 and HTTP dates have no milliseconds). */
export function wholeSeconds(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}
