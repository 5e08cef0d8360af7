/**
 * The lock scripts. KEYS: [1] the lock, [2] (acquire only) its fencing counter.
 * The counter has no expiry on purpose: if it expired, fencing tokens would start again at 1.
 */
import { luaScript } from './lua-script.ts';

/** ARGV: token, ttl ms. Reply: the new fencing token, or 0 when the lock is held. */
export const acquireScript = luaScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0
`);

/** ARGV: token. Reply: 1 when the token held the lock and it was deleted, else 0. */
export const releaseScript = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

/** ARGV: token, ttl ms. Reply: 1 when the token holds the lock and its expiry was set to now + ttl, else 0. */
export const extendScript = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`);
