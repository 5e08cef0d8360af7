/**
 * `redisLockStore`: a lock is a lease (`redis/lease.ts`) whose acquisition also increments the key's fencing
 * counter, in the same script. One Redis node: this is not Redlock across several masters (see the README
 * on what a lease can and cannot promise).
 */
import { checks, invalidOption } from '../errors.ts';
import type { LockStore } from '../lock/store.ts';
import { type ClusterShape, checkClusterClient, checkClusterPrefix, isCluster, masterOf } from './cluster.ts';
import { redisLeases } from './lease.ts';
import type { ScriptClient } from './lua-script.ts';

/** Options of {@link redisLockStore}. */
export interface RedisLockStoreOptions {
  /** An ioredis `Redis` or `Cluster` (or anything with `evalsha` and `eval`). */
  client: ScriptClient & ClusterShape;
  /**
   * Wrap the lock name in `{hash tags}` so the lock and its fencing counter share a Redis Cluster slot
   * (required on a cluster; harmless elsewhere).
   * @default true
   */
  hashTags?: boolean;
}

/** A lock store on one Redis node (or one Cluster slot per lock). */
export function redisLockStore(options: RedisLockStoreOptions): LockStore {
  const client = options?.client;
  if (typeof client?.evalsha !== 'function' || typeof client.eval !== 'function') {
    throw invalidOption('client', 'must be an ioredis client (or have evalsha and eval)');
  }
  const hashTags = checks.boolean(options.hashTags, 'hashTags', true);
  const lockKey = (prefix: string, key: string) => (hashTags ? `${prefix}{${key}}` : prefix + key);
  const cluster = isCluster(client);
  if (cluster) {
    checkClusterClient(client, 'redisLockStore');
    if (!hashTags) {
      throw invalidOption(
        'hashTags',
        'must be true on a Redis Cluster: a lock and its fencing counter are written by one script, so they must share a slot',
      );
    }
  }

  const leases = redisLeases(client);
  return {
    // On a cluster the locker keeps a breaker per master: locks on a dead one fail at once, others go on.
    ...(cluster
      ? {
          nodeOf: (prefix: string, key: string) => masterOf(client, lockKey(prefix, key)) ?? '',
          checkPrefix: (prefix: string) => checkClusterPrefix(prefix, 'prefix', 'a locker'),
        }
      : {}),
    acquire(prefix, key, token, ttlMs) {
      const lock = lockKey(prefix, key);
      return leases.acquire(lock, token, ttlMs, `${lock}:fence`);
    },
    release(prefix, key, token) {
      return leases.release(lockKey(prefix, key), token);
    },
    extend(prefix, key, token, ttlMs) {
      return leases.extend(lockKey(prefix, key), token, ttlMs);
    },
  };
}
