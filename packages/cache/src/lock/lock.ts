/**
 * `createLocker`: leases with random tokens and fencing tokens, retries with jitter, and `withLock`,
 * which keeps the lease alive while a function runs and tells it (through its signal) when it is lost.
 */
import { randomBytes } from 'node:crypto';
import type { Clock, Duration, Logger } from '../../../../internal/src/index.ts';
import { clockOption, closeOnce, loggerOption } from '../../../../internal/src/index.ts';
import { cacheChannels } from '../channels.ts';
import { CacheError, checks, invalidOption as invalid } from '../errors.ts';
import { memoryLockStore } from '../memory/lock-store.ts';
import { type NodeBreakerOptions, NodeBreakers } from '../node-breakers.ts';
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
  /** Lease length; the lock frees itself this long after acquisition unless extended. @default the locker's `ttl` */
  ttl?: Duration;
  /** Retry policy (`acquire` only). @default the locker's `retry` */
  retry?: LockRetryOptions;
  /** Stops waiting: `acquire` rejects with the signal's reason. @default undefined */
  signal?: AbortSignal;
}

/** Options of `withLock`. */
export interface WithLockOptions extends AcquireOptions {
  /**
   * Most extensions `withLock` makes; each moves the end of the lease to `ttl` from *now*. After the
   * last one the lease runs out, the signal is aborted and `withLock` rejects with `ERR_CACHE_LOCK_LOST`.
   * @default the locker's `maxExtensions`
   */
  maxExtensions?: number;
}

/** A held lock: the lease on one key, from `locker.acquire(key)`. */
export interface Lock {
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
  /** `await using lock = await locker.acquire('k')` releases at the end of the block. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A held lease.
 * @deprecated Renamed `Lock` (what `acquire` returns).
 */
export interface LockHandle extends Lock {}

/** Options of {@link createLocker}. */
export interface LockerOptions {
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
  /** Time source for `expiresAt`, the memory store, retry waits and `withLock`'s extensions. @default systemClock */
  clock?: Clock;
  /** Told when a lease is lost or cannot be released; pino-shaped. @default undefined */
  logger?: Logger;
  /**
   * A circuit breaker per store node (per master of a Redis Cluster, one for a single Redis): after
   * `threshold` failures in a row, calls for locks on that node fail at once with
   * `ERR_CACHE_STORE_UNAVAILABLE` for `openFor`, instead of each waiting for the client to give up; then one
   * call probes it. Locks on other nodes are not affected. `false` asks the store every time.
   * @default { threshold: 3, openFor: '2s' }
   */
  circuitBreaker?: NodeBreakerOptions | false;
}

/**
 * Options of {@link createLocker}.
 * @deprecated Renamed `LockerOptions`.
 */
export interface LockOptions extends LockerOptions {}

/** Takes locks on keys of one store; from {@link createLocker}. */
export interface Locker {
  /** Takes the lock, retrying per `retry`; rejects with `ERR_CACHE_LOCK_NOT_ACQUIRED` when every try failed. */
  acquire(key: string, options?: AcquireOptions): Promise<Lock>;
  /** One try: the lock, or `null` when someone else holds it. */
  tryAcquire(key: string, options?: Omit<AcquireOptions, 'retry'>): Promise<Lock | null>;
  /**
   * Runs `fn` under the lock, extending the lease every `ttl / 2` (from now, at most `maxExtensions`
   * times), then releases it. If the lease is lost, `fn`'s signal is aborted and `withLock` rejects
   * with `ERR_CACHE_LOCK_LOST`, even if `fn` finished: its work may have overlapped another holder's.
   */
  withLock<T>(
    key: string,
    fn: (signal: AbortSignal, lock: Lock) => Promise<T> | T,
    options?: WithLockOptions,
  ): Promise<T>;
  /** Stops retries and `withLock` keepers in flight (their signals abort with `ERR_CACHE_CLOSED`); idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface RetryPolicy {
  attempts: number;
  delay: number;
  jitter: number;
}

const lockChannel = cacheChannels.lock;

/**
 * Creates a locker: it takes locks (leases with fencing tokens) on keys of one store.
 *
 * @example
 * const locker = createLocker({ store: redisLockStore({ client }) });
 * await locker.withLock('invoice:42', async (signal, lock) => {
 *   await db.update(invoice, { fencingToken: lock.fencingToken, signal });
 * });
 */
export function createLocker(options: LockerOptions = {}): Locker {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'must be an object');
  const store = options.store ?? memoryLockStore();
  if (typeof store?.acquire !== 'function') throw invalid('store', 'must be a lock store');
  const prefix = options.prefix ?? 'lock:';
  if (typeof prefix !== 'string') throw invalid('prefix', 'must be a string');
  const defaultTtl = ttlOf(options.ttl ?? 30_000, 'ttl');
  const defaultRetry = retryOf(options.retry, { attempts: 20, delay: 100, jitter: 100 }, 'retry');
  const defaultMaxExtensions = extensionsOf(options.maxExtensions ?? 100, 'maxExtensions');
  const clock = clockOption(options.clock, invalid);
  const log = loggerOption(options.logger, invalid);
  store.checkPrefix?.(prefix);
  const breakers = new NodeBreakers({ breaker: options.circuitBreaker, clock, log, component: 'lock' });
  const closing = new AbortController();

  /** A store call, refused at once while the lock's node is known to be down. */
  function storeCall<T>(what: string, key: string, call: () => Promise<T>): Promise<T> {
    const node = store.nodeOf === undefined ? '' : store.nodeOf(prefix, key);
    if (!breakers.allow(node)) {
      const where = node === '' ? 'its node' : `node ${node}`;
      return Promise.reject(
        new CacheError(
          'ERR_CACHE_STORE_UNAVAILABLE',
          `Could not ${what} lock '${key}': the lock store is unavailable at ${where} (circuit open; asked again within ${breakers.openFor} ms)`,
          { status: 503 },
        ),
      );
    }
    return guarded(what, key, call).then(
      (result) => {
        breakers.success(node);
        return result;
      },
      (error: unknown) => {
        if ((error as CacheError).code === 'ERR_CACHE_STORE_UNAVAILABLE') breakers.failure(node, error);
        throw error;
      },
    );
  }

  function checkKey(key: unknown): string {
    if (closing.signal.aborted) throw new CacheError('ERR_CACHE_CLOSED', 'The locker is closed');
    if (typeof key !== 'string' || key.length === 0) {
      throw new CacheError('ERR_CACHE_INVALID_KEY', `A lock key must be a non-empty string, got ${String(key)}`);
    }
    return key;
  }

  function lockFor(key: string, token: string, fencingToken: number, expiresAt: number, ttl: number): Lock {
    let until = expiresAt;
    const handle: Lock = {
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
          log('warn', { key, fencingToken }, 'lock lease lost: expired or taken over before it was extended');
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

  async function attempt(key: string, ttl: number): Promise<Lock | null> {
    const token = randomBytes(16).toString('base64url');
    const started = clock.now();
    const fencingToken = await storeCall('acquire', key, () => store.acquire(prefix, key, token, ttl, started));
    if (fencingToken === null) return null;
    if (lockChannel.hasSubscribers) lockChannel.publish({ event: 'acquire', key, fencingToken });
    return lockFor(key, token, fencingToken, started + ttl, ttl);
  }

  async function acquire(key: string, acquireOptions: AcquireOptions = {}): Promise<Lock> {
    checkKey(key);
    const ttl = acquireOptions.ttl === undefined ? defaultTtl : ttlOf(acquireOptions.ttl, 'ttl');
    const retry = retryOf(acquireOptions.retry, defaultRetry, 'retry');
    const signal = anySignal(acquireOptions.signal, closing.signal);
    for (let tries = 1; ; tries++) {
      signal.throwIfAborted();
      const handle = await attempt(key, ttl);
      if (handle !== null) return handle;
      if (tries >= retry.attempts) break;
      await sleep(clock, retry.delay + Math.floor(Math.random() * (retry.jitter + 1)), signal);
    }
    throw new CacheError(
      'ERR_CACHE_LOCK_NOT_ACQUIRED',
      `Lock '${key}' is held by someone else (${retry.attempts} tries)`,
      { status: 409 },
    );
  }

  const close = closeOnce(() => {
    closing.abort(new CacheError('ERR_CACHE_CLOSED', 'The locker was closed'));
  });
  return {
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
        await handle.release().catch((error: unknown) => {
          // The lease runs out by itself; say so, since the next holder waits until it does.
          log('warn', { err: error, key }, 'lock release failed; the lease ends when its ttl runs out');
          return false;
        });
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * Creates a locker.
 * @deprecated Renamed `createLocker` (it returns a `Locker`, whose `acquire` gives a `Lock`).
 */
export const createLock: (options?: LockerOptions) => Locker = createLocker;

/** Store failures become a typed error (503) with the cause; our own errors pass through. */
async function guarded<T>(what: string, key: string, call: () => Promise<T>): Promise<T> {
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

function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function ttlOf(value: Duration, option: string): number {
  return checks.duration(value, option, { positive: true });
}

function extensionsOf(value: unknown, option: string): number {
  return checks.number(value, option, { min: 0, integer: true, max: Number.MAX_SAFE_INTEGER });
}

function retryOf(value: LockRetryOptions | undefined, defaults: RetryPolicy, option: string): RetryPolicy {
  if (value === undefined) return defaults;
  if (typeof value !== 'object' || value === null) throw invalid(option, 'must be an object');
  return {
    attempts: checks.number(value.attempts, `${option}.attempts`, {
      default: defaults.attempts,
      min: 1,
      integer: true,
      max: Number.MAX_SAFE_INTEGER,
    }),
    delay: checks.duration(value.delay, `${option}.delay`, { default: defaults.delay }),
    jitter: checks.duration(value.jitter, `${option}.jitter`, { default: defaults.jitter }),
  };
}
