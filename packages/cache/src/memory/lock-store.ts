/**
 * In-process leases: a Map from key to holder. Fencing tokens come from one counter for the whole
 * store, which makes them strictly increasing per key without keeping a counter per key forever.
 * Leases nobody releases are swept in amortised batches as the map grows, without a timer.
 */
import type { LockStore } from '../lock/store.ts';

interface Lease {
  token: string;
  expiresAt: number;
}

/** The memory lock store, with a view of its size. */
export interface MemoryLockStore extends LockStore {
  /** Leases held, expired ones not yet swept included. */
  readonly size: number;
}

/** Locks between the callers of one process (tests, single-instance apps, a fallback). */
export function memoryLockStore(): MemoryLockStore {
  const leases = new Map<string, Lease>();
  let fence = 0;
  let sweepAt = 1024;

  function sweep(now: number): void {
    if (leases.size < sweepAt) return;
    for (const [key, lease] of leases) if (lease.expiresAt <= now) leases.delete(key);
    sweepAt = Math.max(1024, leases.size * 2);
  }

  function holder(key: string, now: number): Lease | undefined {
    const lease = leases.get(key);
    if (lease !== undefined && lease.expiresAt <= now) {
      leases.delete(key);
      return undefined;
    }
    return lease;
  }

  return {
    get size() {
      return leases.size;
    },
    async acquire(prefix, key, token, ttlMs, now) {
      const full = prefix + key;
      if (holder(full, now) !== undefined) return null;
      leases.set(full, { token, expiresAt: now + ttlMs });
      sweep(now);
      return ++fence;
    },
    async release(prefix, key, token, now) {
      const full = prefix + key;
      if (holder(full, now)?.token !== token) return false;
      leases.delete(full);
      return true;
    },
    async extend(prefix, key, token, ttlMs, now) {
      const lease = holder(prefix + key, now);
      if (lease?.token !== token) return false;
      lease.expiresAt = now + ttlMs;
      return true;
    },
  };
}
