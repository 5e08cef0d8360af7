/**
 * `createLock`: leases with random tokens and fencing tokens, retries with jitter, and `withLock`,
 * which keeps the lease alive while a function runs and tells it (through its signal) when it is lost.
 */
import { randomBytes } from 'node:crypto';
import { channel } from 'node:diagnostics_channel';
import { type Clock, systemClock } from '../clock.ts';
import { type Duration, parseDuration } from '../duration.ts';
import { CacheError } from '../errors.ts';
import { memoryLockStore } from './memory-store.ts';
import type { LockStore } from './store.ts';
import { keepLease } from './with-lock.ts';

/** How `acquire` retries while someone else holds the lock. */
export interface LockRetryOptions {
  /** Tries in total, the first included. @default 20 */
  attempts?: number;
  /** Wait between tries. @default 100 (ms) */
  delay?: Duration;
  /** Up to this much is added at random to each wait, so contenders do not retry in lockstep. @default 100 (ms) */
  jitter?: Duration;
}

/** Options of `acquire` and `tryAcquire`. */
export interface AcquireOptions {
  /** Lease length; the lock frees itself this long after acquisition unless extended. @default the lock's `ttl` */
  ttl?: Duration;
  /** Retry policy (`acquire` only). @default the lock's `retry` */
  retry?: LockRetryOptions;
  /** Stops waiting: `acquire` rejects with the signal's reason. @default undefined */
  signal?: AbortSignal;
}

/** Options of `withLock`. */
export interface WithLockOptions extends AcquireOptions {
  /**
   * Most extensions `withLock` makes; each moves the end of the lease to `ttl` from *now*. After the
   * last one the lease runs out, the signal is aborted and `withLock` rejects with `ERR_CACHE_LOCK_LOST`.
   * @default the lock's `maxExtensions`
   */
  maxExtensions?: number;
}

/** A held lease. */
export interface LockHandle {
  /** The lock name, as given. */
  readonly key: string;
  /** This holder's random token; only it can release or extend the lease. */
  readonly token: string;
  /**
   * Strictly increases with each acquisition of this key. Pass it to the resource you protect and have
   * it reject writes carrying a smaller token than one it has seen: that makes the lock safe even when a
   * paused holder wakes up after its lease ran out.
   */
  readonly fencingToken: number;
  /** Epoch ms (local clock) by which the lease has ended at the latest, unless extended. */
  readonly expiresAt: number;
  /** Ends the lease; `false` when it had already expired or been taken over (nothing is released then). */
  release(): Promise<boolean>;
  /** Moves the end of the lease to `ttl` from now; rejects with `ERR_CACHE_LOCK_LOST` when no longer held. */
  extend(ttl?: Duration): Promise<void>;
  /** `await using lock = await locks.acquire('k')` releases at the end of the block. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of {@link createLock}. */
export interface LockOptions {
  /** Where leases live. @default memoryLockStore() */
  store?: LockStore;
  /** Prefix of every lock key. @default 'lock:' */
  prefix?: string;
  /** Default lease length. @default 30000 (ms) */
  ttl?: Duration;
  /** Default retry policy of `acquire`. @default { attempts: 20, delay: 100, jitter: 100 } */
  retry?: LockRetryOptions;
  /** Default bound on `withLock` extensions. @default 100 */
  maxExtensions?: number;
  /** Time source for `expiresAt` and the memory store. @default systemClock */
  clock?: Clock;
}

/** A lock factory over one store. */
export interface Lock {
  /** Takes the lock, retrying per `retry`; rejects with `ERR_CACHE_LOCK_NOT_ACQUIRED` when every try failed. */
  acquire(key: string, options?: AcquireOptions): Promise<LockHandle>;
  /** One try: the handle, or `null` when someone else holds the lock. */
  tryAcquire(key: string, options?: Omit<AcquireOptions, 'retry'>): Promise<LockHandle | null>;
  /**
   * Runs `fn` under the lock, extending the lease every `ttl / 2` (from now, at most `maxExtensions`
   * times), then releases it. If the lease is lost, `fn`'s signal is aborted and `withLock` rejects
   * with `ERR_CACHE_LOCK_LOST`, even if `fn` finished: its work may have overlapped another holder's.
   */
  withLock<T>(
    key: string,
    fn: (signal: AbortSignal, lock: LockHandle) => Promise<T> | T,
    options?: WithLockOptions,
  ): Promise<T>;
  /** Stops retries and `withLock` keepers in flight (their signals abort with `ERR_CACHE_CLOSED`). */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface RetryPolicy {
  attempts: number;
  delay: number;
  jitter: number;
}

const lockChannel = channel('infra:cache:lock');

/**
 * Creates a lock factory.
 *
 * @example
 * const locks = createLock({ store: redisLockStore({ client }) });
 * await locks.withLock('invoice:42', async (signal, lock) => {
 *   await db.update(invoice, { fencingToken: lock.fencingToken, signal });
 * });
 */
export function createLock(options: LockOptions = {}): Lock {
  const store = options.store ?? memoryLockStore();
  if (typeof store?.acquire !== 'function') throw invalid('store', 'must be a lock store');
  const prefix = options.prefix ?? 'lock:';
  if (typeof prefix !== 'string') throw invalid('prefix', 'must be a string');
  const defaultTtl = ttlOf(options.ttl ?? 30_000, 'ttl');
  const defaultRetry = retryOf(options.retry, { attempts: 20, delay: 100, jitter: 100 }, 'retry');
  const defaultMaxExtensions = extensionsOf(options.maxExtensions ?? 100, 'maxExtensions');
  const clock = options.clock ?? systemClock;
  if (typeof clock?.now !== 'function') throw invalid('clock', 'must have a now() method');
  const closing = new AbortController();

  function checkKey(key: unknown): string {
    if (closing.signal.aborted) throw new CacheError('ERR_CACHE_CLOSED', 'The lock factory is closed');
    if (typeof key !== 'string' || key.length === 0) {
      throw new CacheError('ERR_CACHE_INVALID_KEY', `A lock key must be a non-empty string, got ${String(key)}`);
    }
    return key;
  }

  function handleFor(key: string, token: string, fencingToken: number, expiresAt: number, ttl: number): LockHandle {
    let until = expiresAt;
    const handle: LockHandle = {
      key,
      token,
      fencingToken,
      get expiresAt() {
        return until;
      },
      async release() {
        const released = await storeCall('release', key, () => store.release(prefix, key, token, clock.now()));
        if (lockChannel.hasSubscribers) lockChannel.publish({ event: 'release', key, fencingToken, released });
        return released;
      },
      async extend(extendTtl) {
        const ms = extendTtl === undefined ? ttl : ttlOf(extendTtl, 'ttl');
        // Measured before the call: the server's lease ends no earlier than this.
        const started = clock.now();
        if (!(await storeCall('extend', key, () => store.extend(prefix, key, token, ms, started)))) {
          if (lockChannel.hasSubscribers) lockChannel.publish({ event: 'lost', key, fencingToken });
          throw new CacheError('ERR_CACHE_LOCK_LOST', `The lease on lock '${key}' has expired or been taken over`);
        }
        until = started + ms;
      },
      async [Symbol.asyncDispose]() {
        await handle.release();
      },
    };
    return handle;
  }

  async function attempt(key: string, ttl: number): Promise<LockHandle | null> {
    const token = randomBytes(16).toString('base64url');
    const started = clock.now();
    const fencingToken = await storeCall('acquire', key, () => store.acquire(prefix, key, token, ttl, started));
    if (fencingToken === null) return null;
    if (lockChannel.hasSubscribers) lockChannel.publish({ event: 'acquire', key, fencingToken });
    return handleFor(key, token, fencingToken, started + ttl, ttl);
  }

  async function acquire(key: string, acquireOptions: AcquireOptions = {}): Promise<LockHandle> {
    checkKey(key);
    const ttl = acquireOptions.ttl === undefined ? defaultTtl : ttlOf(acquireOptions.ttl, 'ttl');
    const retry = retryOf(acquireOptions.retry, defaultRetry, 'retry');
    const signal = anySignal(acquireOptions.signal, closing.signal);
    for (let tries = 1; ; tries++) {
      signal.throwIfAborted();
      const handle = await attempt(key, ttl);
      if (handle !== null) return handle;
      if (tries >= retry.attempts) break;
      await sleep(retry.delay + Math.floor(Math.random() * (retry.jitter + 1)), signal);
    }
    throw new CacheError(
      'ERR_CACHE_LOCK_NOT_ACQUIRED',
      `Lock '${key}' is held by someone else (${retry.attempts} tries)`,
      { status: 409 },
    );
  }

  const lock: Lock = {
    acquire,
    async tryAcquire(key, tryOptions = {}) {
      checkKey(key);
      tryOptions.signal?.throwIfAborted();
      return attempt(key, tryOptions.ttl === undefined ? defaultTtl : ttlOf(tryOptions.ttl, 'ttl'));
    },
    async withLock(key, fn, withOptions = {}) {
      const maxExtensions =
        withOptions.maxExtensions === undefined
          ? defaultMaxExtensions
          : extensionsOf(withOptions.maxExtensions, 'maxExtensions');
      const ttl = withOptions.ttl === undefined ? defaultTtl : ttlOf(withOptions.ttl, 'ttl');
      const handle = await acquire(key, { ...withOptions, ttl });
      const keeper = keepLease(handle, {
        ttl,
        maxExtensions,
        clock,
        signal: anySignal(withOptions.signal, closing.signal),
      });
      try {
        const value = await fn(keeper.signal, handle);
        keeper.throwIfLost();
        return value;
      } finally {
        keeper.stop();
        await handle.release().catch(() => false);
      }
    },
    async close() {
      closing.abort(new CacheError('ERR_CACHE_CLOSED', 'The lock factory was closed'));
    },
    [Symbol.asyncDispose]() {
      return lock.close();
    },
  };
  return lock;
}

/** Store failures become a typed error (503) with the cause; our own errors pass through. */
async function storeCall<T>(what: string, key: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof CacheError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new CacheError('ERR_CACHE_STORE_UNAVAILABLE', `Could not ${what} lock '${key}': ${reason}`, {
      cause: error,
      status: 503,
    });
  }
}

function anySignal(signal: AbortSignal | undefined, closing: AbortSignal): AbortSignal {
  return signal === undefined ? closing : AbortSignal.any([signal, closing]);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function ttlOf(value: Duration, option: string): number {
  const ms = parseDuration(value, option);
  if (ms < 1) throw invalid(option, 'must be at least 1 millisecond');
  return ms;
}

function extensionsOf(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalid(option, `must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

function retryOf(value: LockRetryOptions | undefined, defaults: RetryPolicy, option: string): RetryPolicy {
  if (value === undefined) return defaults;
  if (typeof value !== 'object' || value === null) throw invalid(option, 'must be an object');
  const attempts = value.attempts ?? defaults.attempts;
  if (!Number.isSafeInteger(attempts) || attempts < 1) {
    throw invalid(`${option}.attempts`, `must be a positive integer, got ${String(attempts)}`);
  }
  return {
    attempts,
    delay: value.delay === undefined ? defaults.delay : parseDuration(value.delay, `${option}.delay`),
    jitter: value.jitter === undefined ? defaults.jitter : parseDuration(value.jitter, `${option}.jitter`),
  };
}

function invalid(option: string, problem: string): CacheError {
  return new CacheError('ERR_CACHE_INVALID_OPTION', `Invalid option "${option}": ${problem}`);
}
