/**
 * Leases on Redis, the one implementation behind the lock (`redisLockStore`) and the cache's distributed
 * single-flight (`redisStore`): `SET NX PX` with a random token, and release and extend that compare the
 * token inside Lua, so a holder whose lease ran out cannot touch its successor's.
 */
import { acquireScript, extendScript, releaseScript } from './lease.lua.ts';
import { runScript, type ScriptClient } from './lua-script.ts';

/** Leases over one client. */
export interface RedisLeases {
  /**
   * Takes `key` for `ttlMs` if nobody holds it. With `fenceKey`, resolves with the next fencing token (the
   * counter at `fenceKey`, incremented in the same script); without, with 1. `null` when the lease is held.
   */
  acquire(key: string, token: string, ttlMs: number, fenceKey?: string): Promise<number | null>;
  /** Ends the lease if `token` still holds it; `false` when it had expired or was taken over. */
  release(key: string, token: string): Promise<boolean>;
  /** Sets the lease to end `ttlMs` from now if `token` still holds it; `false` otherwise. */
  extend(key: string, token: string, ttlMs: number): Promise<boolean>;
}

/** The lease operations on `client`. */
export function redisLeases(client: ScriptClient): RedisLeases {
  const ttl = (ms: number): number => Math.max(1, Math.ceil(ms));
  return {
    async acquire(key, token, ttlMs, fenceKey) {
      const keys = fenceKey === undefined ? [key] : [key, fenceKey];
      const reply = Number(await runScript(client, acquireScript, keys, [token, ttl(ttlMs)]));
      return reply > 0 ? reply : null;
    },
    async release(key, token) {
      return Number(await runScript(client, releaseScript, [key], [token])) === 1;
    },
    async extend(key, token, ttlMs) {
      return Number(await runScript(client, extendScript, [key], [token, ttl(ttlMs)])) === 1;
    },
  };
}
