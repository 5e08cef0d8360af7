/**
 * The lease scripts, shared by the cache's distributed single-flight (`redisStore`) and the lock
 * (`redisLockStore`). KEYS: [1] the lease, [2] (acquire only, optional) its fencing counter. The counter has
 * no expiry on purpose: if it expired, fencing tokens would start again at 1.
 */
import { luaScript } from './lua-script.ts';

/** ARGV: token, ttl ms. Reply: 0 when the lease is held; else the new fencing token, or 1 without a counter. */
export const acquireScript = luaScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  if #KEYS > 1 then return redis.call('INCR', KEYS[2]) end
  return 1
end
return 0
`);

/** ARGV: token. Reply: 1 when the token held the lease and it was deleted, else 0. */
export const releaseScript = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

/** ARGV: token, ttl ms. Reply: 1 when the token holds the lease and its expiry was set to now + ttl, else 0. */
export const extendScript = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`);
