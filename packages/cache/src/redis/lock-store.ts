/**
 * `redisLockStore`: a lease is `SET key token NX PX ttl`, plus `INCR` of the key's fencing counter in
 * the same script; release and extend compare the token inside Lua, so they are atomic. One Redis node:
 * this is not Redlock across several masters (see the README on what a lease can and cannot promise).
 */
import { checks, invalidOption } from '../errors.ts';
import type { LockStore } from '../lock/store.ts';
import { acquireScript, extendScript, releaseScript } from './lock.lua.ts';
import { runScript, type ScriptClient } from './lua-script.ts';

/** Options of {@link redisLockStore}. */
export interface RedisLockStoreOptions {
  /** An ioredis `Redis` or `Cluster` (or anything with `evalsha` and `eval`). */
  client: ScriptClient;
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

  return {
    async acquire(prefix, key, token, ttlMs) {
      const lock = lockKey(prefix, key);
      const fence = await runScript(client, acquireScript, [lock, `${lock}:fence`], [token, ttlMs]);
      return Number(fence) > 0 ? Number(fence) : null;
    },
    async release(prefix, key, token) {
      return Number(await runScript(client, releaseScript, [lockKey(prefix, key)], [token])) === 1;
    },
    async extend(prefix, key, token, ttlMs) {
      return Number(await runScript(client, extendScript, [lockKey(prefix, key)], [token, ttlMs])) === 1;
    },
  };
}
