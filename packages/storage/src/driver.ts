// The contract every driver fulfils. Drivers see only normalised keys and validated, counted, hashed bytes: the
// checks live once in `createStorage`, so a new driver is a thin mapping onto its backend, done when the shared
// conformance suite (test/conformance.ts) passes on it.
import type { Readable } from 'node:stream';

/** What a stored object is, without its bytes. */
export interface ObjectStat {
  readonly key: string;
  /** Size in bytes. */
  readonly size: number;
  /** An opaque version tag that changes when the content changes (quoted, as HTTP and S3 give it). */
  readonly etag: string;
  readonly contentType: string;
  readonly lastModified: Date;
  /** User metadata given to `put`. */
  readonly metadata: Readonly<Record<string, string>>;
  /** SHA-256 of the content (hex) computed while it was written; absent for objects written by other tools. */
  readonly checksum: string | undefined;
  readonly cacheControl: string | undefined;
}

/** A byte range, both ends included (as HTTP's `Range: bytes=start-end`). */
export interface ByteRange {
  readonly start: number;
  /** Last byte included. @default the last byte of the object */
  readonly end?: number;
}

/** What a driver's `put` receives besides the key and bytes. */
export interface DriverPutOptions {
  readonly contentType: string;
  readonly cacheControl: string | undefined;
  readonly metadata: Readonly<Record<string, string>>;
  /** Byte length when known up front (strings and bytes); `undefined` for streams. */
  readonly size: number | undefined;
  /** Refuse (`ERR_STORAGE_CONFLICT`) when the key exists. */
  readonly ifNoneMatch: boolean;
  readonly signal: AbortSignal | undefined;
  /** SHA-256 hex of everything the source gave; valid once the source is exhausted. */
  checksum(): string;
}

/** A read: the object's stat, its bytes (or the requested range of them) and the range served. */
export interface DriverRead {
  readonly stat: ObjectStat;
  readonly body: Readable;
  /** The range served, both ends included; `undefined` for the whole object. */
  readonly range: { readonly start: number; readonly end: number } | undefined;
}

/** One entry of a listing: a stored object, or a "directory" (a common prefix) in a shallow listing. */
export type ListEntry =
  | { readonly type: 'file'; readonly key: string; readonly size: number; readonly lastModified: Date }
  | { readonly type: 'directory'; readonly key: string };

/** A page of a listing; `cursor` is set when there is more. */
export interface ListPage {
  readonly items: readonly ListEntry[];
  readonly cursor: string | undefined;
}

/** What a driver can do beyond the contract, so callers (and the suite) ask instead of guessing. */
export interface DriverCapabilities {
  /** Presigned GET/PUT URLs made by the backend itself (S3); without it, `createStorage({ signing })` signs. */
  readonly presignedUrls: boolean;
  /** Presigned POST with a `content-length-range` policy. */
  readonly presignedPost: boolean;
  /** `ifNoneMatch` is decided atomically by the backend (no window between check and write). */
  readonly atomicIfNoneMatch: boolean;
}

/** Options of a presigned URL, as the storage passes them to a driver. */
export interface DriverPresignOptions {
  readonly method: 'GET' | 'PUT';
  /** Seconds the URL stays valid. */
  readonly expiresIn: number;
  /** The time the URL is signed at (the storage's clock). */
  readonly now: Date;
  readonly contentType: string | undefined;
  /** Exact byte length a PUT must have (signed as `Content-Length`). */
  readonly size: number | undefined;
  /** Largest body a PUT may have. */
  readonly maxBytes: number | undefined;
  readonly disposition: string | undefined;
}

/** A presigned POST form: post the `fields` and then the file, as `multipart/form-data`, to `url`. */
export interface PresignedPost {
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** Options of a presigned POST, as the storage passes them to a driver. */
export interface DriverPostOptions {
  readonly expiresIn: number;
  readonly now: Date;
  readonly contentType: string | undefined;
  readonly maxBytes: number;
}

/** The contract of a storage driver. Keys are normalised; errors are `StorageError`s with the contract's codes. */
export interface StorageDriver {
  /** A short name for logs and events (`'memory'`, `'local'`, `'s3'`). */
  readonly name: string;
  readonly capabilities: DriverCapabilities;
  /** Stores the source's bytes; on any error (the source's included) nothing is left stored. */
  put(key: string, source: AsyncIterable<Uint8Array>, options: DriverPutOptions): Promise<ObjectStat>;
  /** Reads an object or a range of it; `ERR_STORAGE_NOT_FOUND`, `ERR_STORAGE_INVALID_RANGE`. */
  get(key: string, options: { range: ByteRange | undefined; signal: AbortSignal | undefined }): Promise<DriverRead>;
  /** The stat of an object, or `undefined` when there is none. */
  stat(key: string): Promise<ObjectStat | undefined>;
  /** Deletes an object; a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes several objects. */
  deleteMany(keys: readonly string[]): Promise<void>;
  /** Copies an object (`ERR_STORAGE_NOT_FOUND`; `ERR_STORAGE_CONFLICT` when `overwrite` is false and `to` exists). */
  copy(from: string, to: string, options: { overwrite: boolean }): Promise<void>;
  /** Moves an object, with the errors of `copy`. */
  move(from: string, to: string, options: { overwrite: boolean }): Promise<void>;
  /** A page of the objects under `prefix` (`''` or a key without trailing slash), in UTF-8 byte order. */
  list(prefix: string, options: { cursor: string | undefined; limit: number; recursive: boolean }): Promise<ListPage>;
  /** A presigned URL, when `capabilities.presignedUrls`. */
  presign?(key: string, options: DriverPresignOptions): Promise<string>;
  /** A presigned POST form, when `capabilities.presignedPost`. */
  presignPost?(key: string, options: DriverPostOptions): Promise<PresignedPost>;
  /** Releases what the driver holds (never the app's client). */
  close?(): Promise<void>;
}
