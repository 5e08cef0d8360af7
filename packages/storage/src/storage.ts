// createStorage: one API over every driver. Keys are normalised, bodies checked and hashed, options validated and
// errors typed here, once; drivers only move bytes (driver.ts).
import type { Clock } from '../../../internal/src/index.ts';
import {
  type Closable,
  clockOption,
  closeOnce,
  type Duration,
  isInfraError,
  type Logger,
  loggerOption,
  publish,
} from '../../../internal/src/index.ts';
import type { Body } from './body.ts';
import { storageChannels } from './channels.ts';
import type { ByteRange, DriverCapabilities, ListPage, ObjectStat, PresignedPost, StorageDriver } from './driver.ts';
import { check, invalidOption, StorageError } from './errors.ts';
import { normalizeKey, normalizePrefix } from './keys.ts';
import { checkMetadata } from './metadata.ts';
import { defineRule, type Rule, rules as seedRules } from './rules.ts';
import { type SignedClaims, type UrlSigner, urlSigner } from './signing.ts';
import { type StoredObject, storedObject } from './stored-object.ts';
import { joinUrl } from './url.ts';
import { abortError, prepareWrite } from './write.ts';

/** Options of {@link createStorage}. */
export interface StorageOptions<RuleName extends string = keyof typeof seedRules> {
  /** Where the bytes go: `memoryDriver()`, `localDriver({ root })`, `s3Driver({ client, bucket })`. */
  driver: StorageDriver;
  /** Named upload rules, used as `put(key, body, { rule: 'image' })`. @default the seed rules (`rules`) */
  rules?: Record<RuleName, Rule>;
  /** Base URL (a CDN) of `publicUrl(key)`, or a function from key to URL. @default undefined (`publicUrl` throws) */
  publicUrl?: string | ((key: string) => string);
  /**
   * HMAC signing of URLs for drivers that cannot presign (local disk, memory), served by the handler at
   * `@infra/storage/node` mounted at `baseUrl`. @default undefined (`signedUrl` on such drivers throws)
   */
  signing?: { secret: string | Uint8Array; baseUrl: string };
  /** Default lifetime of signed URLs. @default '15m' */
  expiresIn?: Duration;
  /** pino-shaped logger. @default undefined (no logging) */
  logger?: Logger;
  /** Clock for signed URL expiry. @default the system clock */
  clock?: Clock;
}

/** Options of `put`. */
export interface PutOptions<RuleName extends string = string> {
  /** The content type to store; with a rule it must be one the rule allows for the extension. @default sniffed */
  contentType?: string;
  /** User metadata: lower-case names, printable ASCII values, 2 KiB in all. */
  metadata?: Record<string, string>;
  cacheControl?: string;
  /** `'*'`: refuse with `ERR_STORAGE_CONFLICT` when the key exists. */
  ifNoneMatch?: '*';
  /** A rule name (`'image'`) or a rule: checks extension, sniffed content and size. */
  rule?: RuleName | Rule;
  /** Size cap in bytes (with a rule, the smaller of the two holds). */
  maxBytes?: number;
  /** Aborts the write; nothing is left stored. */
  signal?: AbortSignal;
}

/** Options of `get`. */
export interface GetOptions {
  /** Only these bytes (both ends included). */
  range?: ByteRange;
  /** Check the stored SHA-256 as the body flows; the stream fails at its end on a mismatch. @default false */
  verify?: boolean;
  signal?: AbortSignal;
}

/** Options of `list`. */
export interface ListOptions {
  /** The `cursor` of the previous page. */
  cursor?: string;
  /** Entries per page (1 to 1000). @default 1000 */
  limit?: number;
  /** Every object under the prefix, instead of direct children and directories. @default false */
  recursive?: boolean;
}

/** Options of `signedUrl`. */
export interface SignedUrlOptions {
  /** @default the storage's `expiresIn` ('15m') */
  expiresIn?: Duration;
  /** @default 'GET' */
  method?: 'GET' | 'PUT';
  /** PUT: the content type the upload must declare (signed). */
  contentType?: string;
  /** PUT: the exact size the upload must have (signed as Content-Length). */
  size?: number;
  /** PUT: the largest upload accepted (local signing; S3 needs `size` or `presignedPost`). */
  maxBytes?: number;
  /** GET: a Content-Disposition to answer with (`'attachment; filename="a.pdf"'`). */
  disposition?: string;
}

/** Options of `presignedPost`. */
export interface PresignedPostOptions {
  /** @default the storage's `expiresIn` ('15m') */
  expiresIn?: Duration;
  contentType?: string;
  /** Largest upload accepted (signed as `content-length-range`). */
  maxBytes: number;
}

/** A snapshot of what a storage has done. */
export interface StorageStats {
  puts: number;
  gets: number;
  deletes: number;
  copies: number;
  moves: number;
  bytesWritten: number;
  /** Writes refused by a check (size, type, key). */
  rejected: number;
  /** Driver failures. */
  errors: number;
}

/** One API over a storage driver. */
export interface Storage<RuleName extends string = string> extends Closable {
  /** What the driver can do beyond the contract. */
  readonly capabilities: DriverCapabilities;
  /** Stores a body (string, bytes, Web or Node stream of any length); returns what was stored. */
  put(key: string, body: Body, options?: PutOptions<RuleName>): Promise<ObjectStat>;
  /** Reads an object (`ERR_STORAGE_NOT_FOUND`), or a range of it. */
  get(key: string, options?: GetOptions): Promise<StoredObject>;
  /** The stat of an object (`ERR_STORAGE_NOT_FOUND`). */
  stat(key: string): Promise<ObjectStat>;
  exists(key: string): Promise<boolean>;
  /** Deletes an object; a missing one is not an error. */
  delete(key: string): Promise<void>;
  deleteMany(keys: readonly string[]): Promise<void>;
  /** Copies an object; `overwrite: false` refuses with `ERR_STORAGE_CONFLICT` when `to` exists. */
  copy(from: string, to: string, options?: { overwrite?: boolean }): Promise<void>;
  move(from: string, to: string, options?: { overwrite?: boolean }): Promise<void>;
  /** A page of the objects under `prefix` (`''` for all). */
  list(prefix?: string, options?: ListOptions): Promise<ListPage>;
  /** The object's URL under the `publicUrl` base (a CDN). */
  publicUrl(key: string): string;
  /** A URL that allows one method on one key until it expires. */
  signedUrl(key: string, options?: SignedUrlOptions): Promise<string>;
  /** A browser form upload with a size range policy, where the driver supports it. */
  presignedPost(key: string, options: PresignedPostOptions): Promise<PresignedPost>;
  /** Checks a URL made by `signedUrl` (HMAC signing) and returns what it allows. */
  verifySignedUrl(url: string | URL, method: string): SignedClaims;
  stats(): StorageStats;
}

const driverMethods = ['put', 'get', 'stat', 'delete', 'deleteMany', 'copy', 'move', 'list'] as const;

/**
 * A storage over `driver`.
 *
 * @example
 * const storage = createStorage({ driver: localDriver({ root: './uploads' }) });
 * await storage.put('avatars/ada.png', request, { rule: 'image' });
 */
export function createStorage<RuleName extends string = keyof typeof seedRules>(
  options: StorageOptions<RuleName>,
): Storage<RuleName> {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'expected an object');
  const driver = options.driver;
  for (const method of driverMethods) {
    if (typeof driver?.[method] !== 'function') {
      throw invalidOption(
        'driver',
        `expected a storage driver (memoryDriver(), localDriver(), s3Driver()); ${method}() is missing`,
      );
    }
  }
  const clock = clockOption(options.clock, invalidOption);
  const log = loggerOption(options.logger, invalidOption);
  const defaultExpiry = check.duration(options.expiresIn, 'expiresIn', { default: 15 * 60_000, positive: true });
  const ruleSet = new Map<string, Rule>();
  for (const [name, rule] of Object.entries((options.rules ?? seedRules) as Record<string, Rule>)) {
    ruleSet.set(name, defineRule(rule));
  }
  const publicBase = options.publicUrl;
  if (publicBase !== undefined && typeof publicBase !== 'function') {
    check.string(publicBase, 'publicUrl');
    if (!URL.canParse(publicBase)) throw invalidOption('publicUrl', 'expected an absolute URL or a function');
  }
  let signer: UrlSigner | undefined;
  if (options.signing !== undefined) {
    const { secret, baseUrl } = options.signing;
    const bytes = typeof secret === 'string' ? Buffer.from(secret) : secret;
    if (!(bytes instanceof Uint8Array) || bytes.byteLength < 32) {
      throw invalidOption('signing.secret', 'expected at least 32 bytes (a string or bytes)');
    }
    if (typeof baseUrl !== 'string' || !URL.canParse(baseUrl)) {
      throw invalidOption('signing.baseUrl', 'expected the absolute URL the handler is mounted at');
    }
    signer = urlSigner(bytes, baseUrl, clock);
  }

  const stats: StorageStats = {
    puts: 0,
    gets: 0,
    deletes: 0,
    copies: 0,
    moves: 0,
    bytesWritten: 0,
    rejected: 0,
    errors: 0,
  };
  let closed = false;
  const inFlight = new Set<Promise<unknown>>();

  // Every operation goes through here: refused after close, tracked so close waits for it, and any failure that
  // is not already ours becomes ERR_STORAGE_DRIVER with the driver's error as its cause.
  const run = <T>(operation: string, key: string, work: () => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new StorageError('ERR_STORAGE_CLOSED', `The storage is closed (${operation})`));
    const task = work().catch((error: unknown) => {
      if (isInfraError(error) && error.code.startsWith('ERR_STORAGE_') && error.code !== 'ERR_STORAGE_DRIVER')
        throw error;
      stats.errors++;
      log('error', { operation, key, err: error }, `storage ${operation} failed`);
      publish(storageChannels.error, () => ({ operation, key, error }));
      throw isInfraError(error)
        ? error
        : new StorageError(
            'ERR_STORAGE_DRIVER',
            `The ${driver.name} driver failed to ${operation} "${key}": ${(error as Error)?.message ?? String(error)}`,
            {
              cause: error,
            },
          );
    });
    inFlight.add(task);
    const forget = () => inFlight.delete(task);
    task.then(forget, forget);
    return task;
  };

  const resolveRule = (rule: PutOptions['rule']): Rule | undefined => {
    if (rule === undefined) return undefined;
    if (typeof rule === 'string') {
      const found = ruleSet.get(rule);
      if (found === undefined) {
        throw new StorageError(
          'ERR_STORAGE_INVALID_ARGUMENT',
          `Unknown rule "${rule}" (known: ${[...ruleSet.keys()].join(', ')})`,
        );
      }
      return found;
    }
    return defineRule(rule);
  };

  const expiry = (value: Duration | undefined): number =>
    value === undefined ? defaultExpiry : check.duration(value, 'expiresIn', { positive: true });

  const optionalSize = (value: unknown, name: string): number | undefined => {
    if (value === undefined) return undefined;
    if (!Number.isSafeInteger(value) || (value as number) < 0) {
      throw new StorageError(
        'ERR_STORAGE_INVALID_ARGUMENT',
        `Invalid ${name}: expected a whole, non-negative number of bytes`,
      );
    }
    return value as number;
  };

  const overwriteOf = (value: { overwrite?: boolean } | undefined): boolean => {
    const overwrite = value?.overwrite ?? true;
    if (typeof overwrite !== 'boolean')
      throw new StorageError('ERR_STORAGE_INVALID_ARGUMENT', 'Invalid overwrite: expected a boolean');
    return overwrite;
  };

  const storage: Storage<RuleName> = {
    capabilities: driver.capabilities,

    put(key, body, putOptions = {}) {
      return run('put', String(key), async () => {
        const started = performance.now();
        let rule: Rule | undefined;
        try {
          key = normalizeKey(key);
          rule = resolveRule(putOptions.rule);
          const metadata = checkMetadata(putOptions.metadata);
          const prepared = await prepareWrite(key, body, {
            rule,
            maxBytes: optionalSize(putOptions.maxBytes, 'maxBytes'),
            contentType: putOptions.contentType,
            signal: putOptions.signal,
          });
          if (putOptions.ifNoneMatch !== undefined && putOptions.ifNoneMatch !== '*') {
            throw new StorageError('ERR_STORAGE_INVALID_ARGUMENT', `Invalid ifNoneMatch: only '*' is supported`);
          }
          let stat: ObjectStat;
          try {
            stat = await driver.put(key, prepared.source, {
              contentType: prepared.contentType,
              cacheControl: putOptions.cacheControl,
              metadata,
              size: prepared.size,
              ifNoneMatch: putOptions.ifNoneMatch === '*',
              signal: putOptions.signal,
              checksum: prepared.checksum,
            });
          } catch (error) {
            await prepared.abandon();
            if (putOptions.signal?.aborted && !(isInfraError(error) && error.code === 'ERR_STORAGE_TOO_LARGE')) {
              throw abortError(putOptions.signal);
            }
            throw error;
          }
          stats.puts++;
          stats.bytesWritten += stat.size;
          publish(storageChannels.put, () => ({
            key,
            size: stat.size,
            contentType: stat.contentType,
            durationMs: performance.now() - started,
          }));
          return stat;
        } catch (error) {
          if (isInfraError(error) && rejectedCodes.has(error.code)) {
            stats.rejected++;
            log('warn', { key, code: error.code, rule: rule?.name }, 'storage put rejected');
            publish(storageChannels.rejected, () => ({ key, code: error.code, rule: rule?.name }));
          }
          throw error;
        }
      });
    },

    get(key, getOptions = {}) {
      return run('get', String(key), async () => {
        key = normalizeKey(key);
        const range = checkRange(getOptions.range);
        if (getOptions.verify === true && range !== undefined) {
          throw new StorageError(
            'ERR_STORAGE_INVALID_ARGUMENT',
            'verify needs the whole object; it cannot check a range',
          );
        }
        const read = await driver.get(key, { range, signal: getOptions.signal });
        stats.gets++;
        publish(storageChannels.get, () => ({ key, range: read.range }));
        return storedObject(read, getOptions.verify === true);
      });
    },

    stat(key) {
      return run('stat', String(key), async () => {
        const found = await driver.stat(normalizeKey(key));
        if (found === undefined) throw notFound(key);
        return found;
      });
    },

    exists(key) {
      return run('exists', String(key), async () => (await driver.stat(normalizeKey(key))) !== undefined);
    },

    delete(key) {
      return run('delete', String(key), async () => {
        key = normalizeKey(key);
        await driver.delete(key);
        stats.deletes++;
        publish(storageChannels.delete, () => ({ keys: [key] }));
      });
    },

    deleteMany(keys) {
      return run('deleteMany', '', async () => {
        if (!Array.isArray(keys))
          throw new StorageError('ERR_STORAGE_INVALID_ARGUMENT', 'deleteMany expects an array of keys');
        const normalized = [...new Set(keys.map(normalizeKey))];
        if (normalized.length > 0) await driver.deleteMany(normalized);
        stats.deletes += normalized.length;
        publish(storageChannels.delete, () => ({ keys: normalized }));
      });
    },

    copy(from, to, copyOptions) {
      return run('copy', String(from), async () => {
        const [source, target] = [normalizeKey(from), normalizeKey(to)];
        await driver.copy(source, target, { overwrite: overwriteOf(copyOptions) });
        stats.copies++;
        publish(storageChannels.copy, () => ({ from: source, to: target }));
      });
    },

    move(from, to, moveOptions) {
      return run('move', String(from), async () => {
        const [source, target] = [normalizeKey(from), normalizeKey(to)];
        if (source === target) return;
        await driver.move(source, target, { overwrite: overwriteOf(moveOptions) });
        stats.moves++;
        publish(storageChannels.move, () => ({ from: source, to: target }));
      });
    },

    list(prefix = '', listOptions = {}) {
      return run('list', String(prefix), async () => {
        const limit = listOptions.limit ?? 1000;
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
          throw new StorageError(
            'ERR_STORAGE_INVALID_ARGUMENT',
            `Invalid limit: expected 1 to 1000, got ${String(limit)}`,
          );
        }
        if (listOptions.cursor !== undefined && (typeof listOptions.cursor !== 'string' || listOptions.cursor === '')) {
          throw new StorageError(
            'ERR_STORAGE_INVALID_ARGUMENT',
            'Invalid list cursor: pass back the cursor a page gave',
          );
        }
        return driver.list(normalizePrefix(prefix), {
          cursor: listOptions.cursor,
          limit,
          recursive: listOptions.recursive === true,
        });
      });
    },

    publicUrl(key) {
      const normalized = normalizeKey(key);
      if (publicBase === undefined) {
        throw new StorageError(
          'ERR_STORAGE_UNSUPPORTED',
          'publicUrl needs the publicUrl option (a base URL or a function)',
        );
      }
      return typeof publicBase === 'function' ? publicBase(normalized) : joinUrl(publicBase, normalized);
    },

    signedUrl(key, urlOptions = {}) {
      return run('signedUrl', String(key), async () => {
        key = normalizeKey(key);
        const method = urlOptions.method ?? 'GET';
        if (method !== 'GET' && method !== 'PUT') {
          throw new StorageError(
            'ERR_STORAGE_INVALID_ARGUMENT',
            `Invalid method: expected 'GET' or 'PUT', got ${String(method)}`,
          );
        }
        const expiresIn = expiry(urlOptions.expiresIn);
        const size = optionalSize(urlOptions.size, 'size');
        const maxBytes = optionalSize(urlOptions.maxBytes, 'maxBytes');
        if (method === 'PUT' && size === undefined && maxBytes === undefined) {
          throw new StorageError(
            'ERR_STORAGE_INVALID_ARGUMENT',
            'A PUT URL needs size or maxBytes: uploads are never uncapped',
          );
        }
        if (driver.capabilities.presignedUrls && driver.presign !== undefined) {
          return driver.presign(key, {
            method,
            expiresIn: Math.max(1, Math.ceil(expiresIn / 1000)),
            now: new Date(clock.now()),
            contentType: urlOptions.contentType,
            size,
            maxBytes,
            disposition: urlOptions.disposition,
          });
        }
        if (signer === undefined) {
          throw new StorageError(
            'ERR_STORAGE_UNSUPPORTED',
            `The ${driver.name} driver cannot presign URLs: pass createStorage({ signing: { secret, baseUrl } }) and mount storageHandler`,
          );
        }
        return signer.sign({
          key,
          method,
          expires: clock.now() + expiresIn,
          contentType: urlOptions.contentType,
          size,
          maxBytes,
          disposition: urlOptions.disposition,
        });
      });
    },

    presignedPost(key, postOptions) {
      return run('presignedPost', String(key), async () => {
        key = normalizeKey(key);
        const maxBytes = optionalSize(postOptions?.maxBytes, 'maxBytes');
        if (maxBytes === undefined) {
          throw new StorageError(
            'ERR_STORAGE_INVALID_ARGUMENT',
            'presignedPost needs maxBytes: uploads are never uncapped',
          );
        }
        if (!driver.capabilities.presignedPost || driver.presignPost === undefined) {
          throw new StorageError(
            'ERR_STORAGE_UNSUPPORTED',
            `The ${driver.name} driver does not support presigned POST`,
          );
        }
        return driver.presignPost(key, {
          expiresIn: Math.max(1, Math.ceil(expiry(postOptions.expiresIn) / 1000)),
          now: new Date(clock.now()),
          contentType: postOptions.contentType,
          maxBytes,
        });
      });
    },

    verifySignedUrl(url, method) {
      if (signer === undefined) {
        throw new StorageError('ERR_STORAGE_UNSUPPORTED', 'verifySignedUrl needs createStorage({ signing })');
      }
      return signer.verify(url, method);
    },

    stats: () => ({ ...stats }),

    close: closeOnce(async () => {
      closed = true;
      await Promise.allSettled([...inFlight]);
      await driver.close?.();
    }),
    async [Symbol.asyncDispose]() {
      await storage.close();
    },
  };
  return storage;
}

const rejectedCodes = new Set(['ERR_STORAGE_TOO_LARGE', 'ERR_STORAGE_TYPE_NOT_ALLOWED', 'ERR_STORAGE_INVALID_KEY']);

function notFound(key: string): StorageError {
  return new StorageError('ERR_STORAGE_NOT_FOUND', `No object at "${key}"`);
}

function checkRange(range: ByteRange | undefined): ByteRange | undefined {
  if (range === undefined) return undefined;
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0 || (end !== undefined && (!Number.isSafeInteger(end) || end < start))) {
    throw new StorageError(
      'ERR_STORAGE_INVALID_RANGE',
      `Invalid range: expected whole numbers with 0 <= start <= end, got ${JSON.stringify(range)}`,
    );
  }
  return end === undefined ? { start } : { start, end };
}
