/**
 * The contract between `createLock` and where leases live. Every operation is atomic in the store and
 * compares the holder's token there, so a holder whose lease has expired can neither release nor
 * extend the lease of whoever holds the lock now.
 */

/** Where locks live: `memoryLockStore()` or `redisLockStore({ client })`. */
export interface LockStore {
  /**
   * Takes `prefix + key` for `ttlMs` if nobody holds it. Returns the lease's fencing token (strictly
   * greater than every earlier one for this key), or `null` when someone else holds the lock.
   */
  acquire(prefix: string, key: string, token: string, ttlMs: number, now: number): Promise<number | null>;
  /** Ends the lease if `token` still holds it; `false` when it had expired or was taken over. */
  release(prefix: string, key: string, token: string, now: number): Promise<boolean>;
  /** Sets the lease to end `ttlMs` from now if `token` still holds it; `false` otherwise. */
  extend(prefix: string, key: string, token: string, ttlMs: number, now: number): Promise<boolean>;
  /**
   * The node that holds the lock (a Redis Cluster master's `host:port`), so the locker keeps a circuit
   * breaker per node; without it, one breaker covers the store.
   */
  nodeOf?(prefix: string, key: string): string;
  /** Throws a typed error when the locker's `prefix` cannot work with this store (checked at construction). */
  checkPrefix?(prefix: string): void;
}
