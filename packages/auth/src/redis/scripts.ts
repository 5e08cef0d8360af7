// The Lua scripts of the Redis store: every read-modify-write in one script, so it is atomic. A family's two
// keys share its id as hash tag, a session's key is its own, a user's index and revocation keys share the user
// id: each script touches the keys of one entity, which a Redis Cluster keeps in one slot.
//
// Every script takes `now` and a flag: at `time: 'server'` it reads Redis' own clock (TIME) instead, so app
// servers with skewed clocks agree. Family fields are kept as strings; '' means null.
import { script } from './client.ts';

// Shared prologue: `now` from ARGV[1] or from Redis, and the family hash as a table.
const clock = `
local now = tonumber(ARGV[1])
if ARGV[2] == '1' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/** KEYS: family, tokens. ARGV: now, server, id, userId, tokenHash, metadata, idleTtl, absoluteTtl, slack. */
export const createFamily = script(`${clock}
local expiresAt = now + tonumber(ARGV[8])
local idle = math.min(now + tonumber(ARGV[7]), expiresAt)
redis.call('HSET', KEYS[1], 'id', ARGV[3], 'userId', ARGV[4], 'createdAt', now, 'lastUsedAt', now,
  'idleExpiresAt', idle, 'expiresAt', expiresAt, 'revokedAt', '', 'revokedReason', '', 'tokens', 1,
  'metadata', ARGV[6])
redis.call('HSET', KEYS[2], ARGV[5], '|')
local ttl = tonumber(ARGV[8]) + tonumber(ARGV[9])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
return now
`);

/**
 * KEYS: family, tokens. ARGV: now, server, tokenHash, nextHash, sealedNext, grace, idleTtl.
 * Returns { outcome, sealed, ...family fields }.
 */
export const rotate = script(`${clock}
local token = redis.call('HGET', KEYS[2], ARGV[3])
if not token then return {'unknown', ''} end
local flat = redis.call('HGETALL', KEYS[1])
if #flat == 0 then return {'unknown', ''} end
local f = {}
for i = 1, #flat, 2 do f[flat[i]] = flat[i + 1] end
local function answer(outcome, sealed)
  local reply = {outcome, sealed}
  local now_flat = redis.call('HGETALL', KEYS[1])
  for i = 1, #now_flat do reply[#reply + 1] = now_flat[i] end
  return reply
end
if f.revokedAt ~= '' then return answer('revoked', '') end
if now >= tonumber(f.expiresAt) or now >= tonumber(f.idleExpiresAt) then return answer('expired', '') end
local bar = string.find(token, '|', 1, true)
local rotatedAt = string.sub(token, 1, bar - 1)
if rotatedAt == '' then
  redis.call('HSET', KEYS[2], ARGV[3], now .. '|' .. ARGV[5], ARGV[4], '|')
  redis.call('HSET', KEYS[1], 'lastUsedAt', now, 'idleExpiresAt', math.min(now + tonumber(ARGV[7]), tonumber(f.expiresAt)))
  redis.call('HINCRBY', KEYS[1], 'tokens', 1)
  return answer('rotated', '')
end
if now - tonumber(rotatedAt) < tonumber(ARGV[6]) then return answer('grace', string.sub(token, bar + 1)) end
redis.call('HSET', KEYS[1], 'revokedAt', now, 'revokedReason', 'reuse')
return answer('reused', '')
`);

/**
 * KEYS: family, tokens. ARGV: now, server, reason, tokenHash ('' for any), onlyLive ('1': not when timed out).
 * Returns 1 when it revoked.
 */
export const revokeFamily = script(`${clock}
local revokedAt = redis.call('HGET', KEYS[1], 'revokedAt')
if revokedAt == false or revokedAt ~= '' then return 0 end
if ARGV[4] ~= '' and redis.call('HEXISTS', KEYS[2], ARGV[4]) == 0 then return 0 end
if ARGV[5] == '1' then
  local times = redis.call('HMGET', KEYS[1], 'expiresAt', 'idleExpiresAt')
  if now >= tonumber(times[1]) or now >= tonumber(times[2]) then return 0 end
end
redis.call('HSET', KEYS[1], 'revokedAt', now, 'revokedReason', ARGV[3])
return 1
`);

/** KEYS: user's family index. ARGV: now, server, familyId, ttl. Adds the family. */
export const indexFamily = script(`${clock}
redis.call('ZADD', KEYS[1], now, ARGV[3])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return now
`);

/** KEYS: user's cutoff. ARGV: notBefore, ttl. Sets it, never backwards; keeps the longer expiry. */
export const setNotBefore = script(`
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
`);

/**
 * KEYS: session. ARGV: now, server, userId, secretHash, metadata, data, idleTimeout, absoluteTimeout, slack,
 * id, createdAt ('' for now), expiresAt ('' for now + absoluteTimeout). Returns `now`.
 */
export const createSession = script(`${clock}
local createdAt = ARGV[11] == '' and now or tonumber(ARGV[11])
local expiresAt = ARGV[12] == '' and (now + tonumber(ARGV[8])) or tonumber(ARGV[12])
local idle = math.min(now + tonumber(ARGV[7]), expiresAt)
redis.call('HSET', KEYS[1], 'id', ARGV[10], 'userId', ARGV[3], 'secretHash', ARGV[4], 'createdAt', createdAt,
  'lastUsedAt', now, 'idleExpiresAt', idle, 'expiresAt', expiresAt, 'metadata', ARGV[5], 'data', ARGV[6])
redis.call('PEXPIRE', KEYS[1], math.max(1, idle - now + tonumber(ARGV[9])))
return now
`);

// A live session as a flat field list, or an empty list; used by the three session scripts below.
const liveSession = `
local function live()
  local flat = redis.call('HGETALL', KEYS[1])
  if #flat == 0 then return nil end
  local s = {}
  for i = 1, #flat, 2 do s[flat[i]] = flat[i + 1] end
  if now >= tonumber(s.idleExpiresAt) or now >= tonumber(s.expiresAt) then return nil end
  return s, flat
end
`;

/** KEYS: session. ARGV: now, server. The live session's fields, or an empty list. */
export const readSession = script(`${clock}${liveSession}
local s, flat = live()
if not s then return {} end
return flat
`);

/** KEYS: session. ARGV: now, server, idleTimeout, slack. Slides the idle timeout; the fields, or {}. */
export const touchSession = script(`${clock}${liveSession}
local s = live()
if not s then return {} end
local idle = math.min(now + tonumber(ARGV[3]), tonumber(s.expiresAt))
redis.call('HSET', KEYS[1], 'lastUsedAt', now, 'idleExpiresAt', idle)
redis.call('PEXPIRE', KEYS[1], math.max(1, idle - now + tonumber(ARGV[4])))
return redis.call('HGETALL', KEYS[1])
`);

/** KEYS: session. ARGV: now, server. Deletes a live session and returns its fields (for its successor), or {}. */
export const takeSession = script(`${clock}${liveSession}
local s, flat = live()
if not s then return {} end
redis.call('DEL', KEYS[1])
flat[#flat + 1] = 'now'
flat[#flat + 1] = tostring(now)
return flat
`);

/** KEYS: key set. ARGV: expected version, new document (JSON with the version inside). */
export const writeKeySet = script(`
local current = redis.call('GET', KEYS[1])
local version = 0
if current then version = tonumber(cjson.decode(current).version) end
if version ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`);
