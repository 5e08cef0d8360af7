/**
 * The Redis coordinator's scripts. All keys of one job share the hash tag `{job}`, so each script touches one
 * Cluster slot; different jobs spread over the masters. Every time is Redis' own (`TIME`), never an instance's.
 *
 * Keys of a job (base `<prefix>{<job>}`): `:job` (hash: definition, flags, known, last), `:run:<slotId>` (hash: one
 * claim and then its outcome), `:live` (zset: running slotIds by lease end), `:buf` (zset: buffered slotIds by
 * slot), `:slots` (hash: slotId → "slot:manual"), `:runs` (zset: every slotId by end time, for pruning),
 * `:cancel` (set), `:hist` (list of JSON records, newest first), `:last` (the latest non-skipped record).
 */
import { luaScript } from './lua-script.ts';

const now = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

// Rows not yet ended sort after every end time, so pruning by end time never removes them.
const open = '9007199254740991';

/** KEYS: job. ARGV: definition. Returns known, last, paused, enabled. */
export const registerScript = luaScript(`${now}
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'known', now, 'paused', '0', 'enabled', '1')
end
redis.call('HSET', KEYS[1], 'def', ARGV[1])
return redis.call('HMGET', KEYS[1], 'known', 'last', 'paused', 'enabled')
`);

/** KEYS: job. ARGV: paused ('' keeps), enabled ('' keeps). Returns 1, or 0 for an unknown job. */
export const controlScript = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[1] ~= '' then redis.call('HSET', KEYS[1], 'paused', ARGV[1]) end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'enabled', ARGV[2]) end
return 1
`);

/**
 * KEYS: job, run, live, buf, slots, runs, hist, cancel.
 * ARGV: slotId, slot, manual, runId, owner, lease, overlap, historySize, retention, job.
 * Returns {status} or {'claimed', attempt, startedAt, cancelled...}.
 */
export const claimScript = luaScript(`${now}
local slotId, slot, manual, runId, owner = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local lease, overlap = tonumber(ARGV[6]), ARGV[7]
if redis.call('EXISTS', KEYS[1]) == 0 then return {'unknown'} end
local job = redis.call('HMGET', KEYS[1], 'paused', 'enabled', 'last')
if job[2] == '0' then return {'disabled'} end
local r = redis.call('HMGET', KEYS[2], 'status', 'lease', 'attempt', 'started')
if r[1] then
  if r[1] ~= 'running' or tonumber(r[2]) > now then return {'taken'} end
  -- The owner's lease lapsed: take the run over; it counts as the next attempt.
  local attempt = tonumber(r[3]) + 1
  redis.call('HSET', KEYS[2], 'run', runId, 'owner', owner, 'lease', now + lease, 'attempt', attempt)
  redis.call('ZADD', KEYS[3], now + lease, slotId)
  redis.call('SREM', KEYS[8], slotId)
  return {'claimed', attempt, r[4]}
end
if job[1] == '1' and manual == '0' then return {'paused'} end
if manual == '0' and (not job[3] or tonumber(job[3]) < slot) then redis.call('HSET', KEYS[1], 'last', slot) end
local going = redis.call('ZCOUNT', KEYS[3], '(' .. now, '+inf')
local waiting = redis.call('ZCARD', KEYS[4])
local buffers = string.sub(overlap, 1, 6) == 'buffer'
local busy = going > 0 or (waiting > 0 and buffers)
redis.call('HSET', KEYS[5], slotId, slot .. ':' .. manual)
if busy and (overlap == 'skip' or (overlap == 'buffer-one' and waiting > 0)) then
  redis.call('HSET', KEYS[2], 'slot', slot, 'manual', manual, 'status', 'skipped', 'run', runId, 'owner', owner,
    'attempt', 1, 'started', now, 'ended', now)
  redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[9]))
  redis.call('ZADD', KEYS[6], now, slotId)
  local record = cjson.encode({job = ARGV[10], slot = slot, manual = manual == '1', runId = runId, attempt = 1,
    outcome = 'skipped', startedAt = now, endedAt = now, durationMs = 0, owner = owner})
  redis.call('LPUSH', KEYS[7], record)
  redis.call('LTRIM', KEYS[7], 0, tonumber(ARGV[8]) - 1)
  return {'skipped'}
end
if busy and buffers then
  redis.call('HSET', KEYS[2], 'slot', slot, 'manual', manual, 'status', 'buffered', 'run', runId, 'owner', owner,
    'attempt', 1, 'started', now)
  redis.call('ZADD', KEYS[4], slot, slotId)
  redis.call('ZADD', KEYS[6], ${open}, slotId)
  return {'buffered'}
end
local result = {'claimed', 1, now}
if overlap == 'cancel-other' then
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. now, '+inf')) do
    redis.call('SADD', KEYS[8], id)
    table.insert(result, id)
  end
end
redis.call('HSET', KEYS[2], 'slot', slot, 'manual', manual, 'status', 'running', 'run', runId, 'owner', owner,
  'attempt', 1, 'lease', now + lease, 'started', now)
redis.call('ZADD', KEYS[3], now + lease, slotId)
redis.call('ZADD', KEYS[6], ${open}, slotId)
return result
`);

/** KEYS: run, live, cancel. ARGV: runId, owner, lease, attempt, slotId. Returns 'ok', 'lost' or 'cancelled'. */
export const renewScript = luaScript(`${now}
local r = redis.call('HMGET', KEYS[1], 'status', 'run', 'owner')
if r[1] ~= 'running' or r[2] ~= ARGV[1] or r[3] ~= ARGV[2] then return 'lost' end
redis.call('HSET', KEYS[1], 'lease', now + tonumber(ARGV[3]), 'attempt', ARGV[4])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[5])
if redis.call('SISMEMBER', KEYS[3], ARGV[5]) == 1 then return 'cancelled' end
return 'ok'
`);

/** KEYS: run, live. ARGV: runId, owner, slotId. Ends the lease now. */
export const releaseScript = luaScript(`${now}
local r = redis.call('HMGET', KEYS[1], 'status', 'run', 'owner')
if r[1] ~= 'running' or r[2] ~= ARGV[1] or r[3] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'lease', now)
redis.call('ZADD', KEYS[2], now, ARGV[3])
return 1
`);

/**
 * KEYS: run, live, cancel, runs, hist, last, slots.
 * ARGV: runId, owner, outcome, attempt, error, historySize, retention, job, slotId.
 * Returns 1, or 0 when this owner no longer holds the run.
 */
export const completeScript = luaScript(`${now}
local r = redis.call('HMGET', KEYS[1], 'status', 'run', 'owner', 'slot', 'manual', 'started')
if r[1] ~= 'running' or r[2] ~= ARGV[1] or r[3] ~= ARGV[2] then return 0 end
local retention = tonumber(ARGV[7])
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'attempt', ARGV[4], 'ended', now, 'error', ARGV[5])
redis.call('PEXPIRE', KEYS[1], retention)
redis.call('ZREM', KEYS[2], ARGV[9])
redis.call('SREM', KEYS[3], ARGV[9])
redis.call('ZADD', KEYS[4], now, ARGV[9])
local record = {job = ARGV[8], slot = tonumber(r[4]), manual = r[5] == '1', runId = ARGV[1], attempt = tonumber(ARGV[4]),
  outcome = ARGV[3], startedAt = tonumber(r[6]), endedAt = now, durationMs = now - tonumber(r[6]), owner = ARGV[2]}
if ARGV[5] ~= '' then record.error = ARGV[5] end
local encoded = cjson.encode(record)
redis.call('LPUSH', KEYS[5], encoded)
redis.call('LTRIM', KEYS[5], 0, tonumber(ARGV[6]) - 1)
redis.call('SET', KEYS[6], encoded)
-- Forget runs older than the retention (their hashes expire by themselves), a bounded batch per call.
local old = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now - retention, 'LIMIT', 0, 100)
if #old > 0 then
  redis.call('ZREM', KEYS[4], unpack(old))
  redis.call('HDEL', KEYS[7], unpack(old))
end
return 1
`);

/**
 * KEYS: job, live, buf, run (of the expected oldest buffered slot), slots.
 * ARGV: slotId, runId, owner, lease. Returns {slot, manual, attempt, startedAt}, 'busy', or 'moved' (not the
 * oldest buffered slot any more).
 */
export const nextScript = luaScript(`${now}
if redis.call('EXISTS', KEYS[1]) == 0 then return 'busy' end
if redis.call('ZCOUNT', KEYS[2], '(' .. now, '+inf') > 0 then return 'busy' end
local oldest = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
if oldest ~= ARGV[1] then return 'moved' end
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[4], 'status', 'running', 'run', ARGV[2], 'owner', ARGV[3], 'lease', now + tonumber(ARGV[4]), 'started', now)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[1])
local r = redis.call('HMGET', KEYS[4], 'slot', 'manual', 'attempt')
return {r[1], r[2], r[3], tostring(now)}
`);

/** KEYS: live, buf, slots. Returns {slotId, "slot:manual", buffered ('0'/'1')} triples, flattened. */
export const orphansScript = luaScript(`${now}
local found = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)) do
  table.insert(found, id)
  table.insert(found, redis.call('HGET', KEYS[3], id) or '0:0')
  table.insert(found, '0')
end
if redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf') == 0 then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if oldest then
    table.insert(found, oldest)
    table.insert(found, redis.call('HGET', KEYS[3], oldest) or '0:0')
    table.insert(found, '1')
  end
end
return found
`);

/** KEYS: job, live, last. Returns {known, last, paused, enabled, running, lastRecord} or {} for an unknown job. */
export const statusScript = luaScript(`${now}
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
local job = redis.call('HMGET', KEYS[1], 'known', 'last', 'paused', 'enabled')
local running = redis.call('ZCOUNT', KEYS[2], '(' .. now, '+inf')
return {job[1], job[2] or '', job[3], job[4], running, redis.call('GET', KEYS[3]) or ''}
`);
